// The history of the user's Claude API: failures and retries per time bucket, totals, and the
// episodes (src/core/episodes.ts, the one definition) matched against Anthropic's incidents.
// Pure: events and incidents in, numbers out. `history --json` prints exactly `HistoryJson`.
import { eventTime, groupEpisodes, type Episode, type EpisodeFamily } from '../episodes';
import { FAILURE_CLASSES, type ApiFailureEvent, type FailureClass } from '../types';
import { bucketStarts, type BucketSize } from './time';

/** An incident from Anthropic's status page, as the history uses it. */
export interface HistoryIncident {
  name: string;
  /** `none`, `minor`, `major`, `critical`. */
  impact: string;
  /** The incident's page (shortlink), or null. */
  url: string | null;
  /** Epoch ms it started, and ended (null while unresolved). */
  startAt: number;
  endAt: number | null;
}

export interface HistoryOptions {
  /** Epoch ms the range starts at, or null for everything (then it starts at the first event). */
  sinceMs: number | null;
  untilMs: number;
  bucket: BucketSize;
  /** IANA zone whose local days and hours the buckets follow. */
  timeZone: string;
  quietPeriodMs: number;
  incidents?: readonly HistoryIncident[];
  /** Minutes of slack either side when matching an episode to an incident. */
  incidentSlackMs?: number;
}

export type ClassCounts = Partial<Record<FailureClass, number>>;

export interface HistoryBucket {
  /** Epoch ms. */
  startAt: number;
  /** Final failures by class. */
  failures: ClassCounts;
  retries: number;
}

export interface HistoryEpisode {
  family: EpisodeFamily;
  startAt: number;
  endAt: number;
  failures: number;
  retries: number;
  sessions: number;
  /** By HTTP status (failures and retries that have one). */
  statuses: Record<string, number>;
  /** Failures and retries by class. */
  classes: ClassCounts;
  requestIds: string[];
  /** Claude Code versions, oldest first by first appearance. */
  versions: string[];
  incident: HistoryIncident | null;
  /** Where its first final failure (else its first retry) was written. */
  first: ApiFailureEvent;
  /** Its events, oldest first (failures and retries). */
  events: ApiFailureEvent[];
}

export interface History {
  sinceMs: number | null;
  untilMs: number;
  bucket: BucketSize;
  timeZone: string;
  totals: { failures: number; retries: number; episodes: number; byClass: ClassCounts };
  buckets: HistoryBucket[];
  episodes: HistoryEpisode[];
}

/** Matching allows this much slack by default: Anthropic's status page reacts late. */
export const DEFAULT_INCIDENT_SLACK_MS = 15 * 60_000;

/**
 * Families that can be Anthropic's doing, so worth matching to an incident. Rate limits, auth and
 * bad requests are the user's own business whatever the status page says.
 */
const MATCHED_FAMILIES: ReadonlySet<EpisodeFamily> = new Set<EpisodeFamily>(['anthropic', 'network', 'unknown']);

/** Whether episodes of `family` are matched against Anthropic's incidents at all. */
export function incidentMatters(family: EpisodeFamily): boolean {
  return MATCHED_FAMILIES.has(family);
}

const IMPACT_RANK: Readonly<Record<string, number>> = { critical: 3, major: 2, minor: 1, none: 0 };

export function buildHistory(events: readonly ApiFailureEvent[], options: HistoryOptions): History {
  const inRange = events.filter((event) => {
    const at = eventTime(event);
    return at !== null && (options.sinceMs === null || at >= options.sinceMs) && at <= options.untilMs;
  });
  const firstAt = inRange.reduce((min, event) => Math.min(min, eventTime(event) ?? min), Number.POSITIVE_INFINITY);
  const from = options.sinceMs ?? (Number.isFinite(firstAt) ? firstAt : null);
  const starts = from === null ? [] : bucketStarts(from, options.untilMs, options.bucket, options.timeZone);
  const buckets: HistoryBucket[] = starts.map((startAt) => ({ startAt, failures: {}, retries: 0 }));
  const byClass: ClassCounts = {};
  let failures = 0;
  for (const event of inRange) {
    const bucket = buckets[bucketIndex(starts, eventTime(event) ?? 0)];
    if (event.kind === 'retry') {
      if (bucket) bucket.retries += 1;
      continue;
    }
    failures += 1;
    increment(byClass, event.failureClass);
    if (bucket) increment(bucket.failures, event.failureClass);
  }
  const incidents = options.incidents ?? [];
  const slack = options.incidentSlackMs ?? DEFAULT_INCIDENT_SLACK_MS;
  const episodes = groupEpisodes(inRange, options.quietPeriodMs).map((episode) =>
    describeEpisode(episode, incidentMatters(episode.family) ? matchIncident(episode, incidents, slack, options.untilMs) : null),
  );
  return {
    sinceMs: options.sinceMs,
    untilMs: options.untilMs,
    bucket: options.bucket,
    timeZone: options.timeZone,
    totals: { failures, retries: inRange.length - failures, episodes: episodes.length, byClass: ordered(byClass) },
    buckets: buckets.map((bucket) => ({ ...bucket, failures: ordered(bucket.failures) })),
    episodes,
  };
}

/** The index of the last bucket starting at or before `at` (-1 before the first). */
function bucketIndex(starts: readonly number[], at: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle] <= at) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function increment<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Classes in their usual order, so JSON and tables read the same every time. */
function ordered(counts: ClassCounts): ClassCounts {
  const result: ClassCounts = {};
  for (const failureClass of FAILURE_CLASSES) if (counts[failureClass]) result[failureClass] = counts[failureClass];
  return result;
}

function describeEpisode(episode: Episode, incident: HistoryIncident | null): HistoryEpisode {
  const statuses: Record<string, number> = {};
  const classes: ClassCounts = {};
  const requestIds = new Set<string>();
  const versions = new Set<string>();
  const sessions = new Set<string>();
  let failures = 0;
  for (const event of episode.events) {
    if (event.kind === 'failure') failures += 1;
    if (event.status !== null) increment(statuses, String(event.status));
    increment(classes, event.failureClass);
    for (const id of event.requestIds) requestIds.add(id);
    if (event.version) versions.add(event.version);
    sessions.add(event.sessionId ?? event.file);
  }
  return {
    family: episode.family,
    startAt: episode.startAt,
    endAt: episode.endAt,
    failures,
    retries: episode.events.length - failures,
    sessions: sessions.size,
    statuses,
    classes: ordered(classes),
    requestIds: [...requestIds],
    versions: [...versions],
    incident,
    first: episode.events.find((event) => event.kind === 'failure') ?? episode.events[0],
    events: episode.events,
  };
}

/**
 * The incident whose time overlaps the episode's, allowing `slackMs` either side; the one with the
 * longest overlap, then the worst impact. An unresolved incident lasts until `nowMs`.
 */
export function matchIncident(
  episode: { startAt: number; endAt: number },
  incidents: readonly HistoryIncident[],
  slackMs: number,
  nowMs: number,
): HistoryIncident | null {
  let best: HistoryIncident | null = null;
  let bestOverlap = Number.NEGATIVE_INFINITY;
  for (const incident of incidents) {
    const start = incident.startAt - slackMs;
    const end = Math.max(incident.endAt ?? nowMs, incident.startAt) + slackMs;
    if (start > episode.endAt || end < episode.startAt) continue;
    const overlap = Math.min(end, episode.endAt) - Math.max(start, episode.startAt);
    const better =
      overlap > bestOverlap ||
      (overlap === bestOverlap && best !== null && (IMPACT_RANK[incident.impact] ?? 0) > (IMPACT_RANK[best.impact] ?? 0));
    if (better) {
      best = incident;
      bestOverlap = overlap;
    }
  }
  return best;
}

/** The figures above the chart. */
export interface HistorySummary {
  failures: number;
  retries: number;
  /** Episodes of the `anthropic` family. */
  outages: number;
  /** Outages the status page had an incident for. */
  outagesWithIncident: number;
  longestOutage: { startAt: number; durationMs: number } | null;
  /** Hours (clock hours, UTC-aligned) holding at least one final failure. */
  hoursWithFailures: number;
  mostCommonClass: FailureClass | null;
  versions: string[];
}

export function summarizeHistory(history: History): HistorySummary {
  const outages = history.episodes.filter((episode) => episode.family === 'anthropic');
  let longest: HistorySummary['longestOutage'] = null;
  for (const outage of outages) {
    const durationMs = outage.endAt - outage.startAt;
    if (!longest || durationMs > longest.durationMs) longest = { startAt: outage.startAt, durationMs };
  }
  const hours = new Set<number>();
  const versions = new Set<string>();
  for (const episode of history.episodes) {
    for (const event of episode.events) {
      const at = eventTime(event);
      if (event.kind === 'failure' && at !== null) hours.add(Math.floor(at / 3_600_000));
    }
    for (const version of episode.versions) versions.add(version);
  }
  let mostCommonClass: FailureClass | null = null;
  for (const failureClass of FAILURE_CLASSES) {
    const count = history.totals.byClass[failureClass] ?? 0;
    if (count > 0 && (mostCommonClass === null || count > (history.totals.byClass[mostCommonClass] ?? 0))) mostCommonClass = failureClass;
  }
  return {
    failures: history.totals.failures,
    retries: history.totals.retries,
    outages: outages.length,
    outagesWithIncident: outages.filter((outage) => outage.incident !== null).length,
    longestOutage: longest,
    hoursWithFailures: hours.size,
    mostCommonClass,
    versions: [...versions].sort(compareVersions),
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((part) => Number(part));
  const pb = b.split(/[.-]/).map((part) => Number(part));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

/** The exact object `history --json` prints (see the README). */
export interface HistoryJson {
  since: string | null;
  until: string;
  bucket: BucketSize;
  totals: { failures: number; retries: number; episodes: number; byClass: ClassCounts };
  buckets: Array<{ start: string; failures: ClassCounts; retries: number }>;
  episodes: Array<{
    family: EpisodeFamily;
    start: string;
    end: string;
    failures: number;
    retries: number;
    sessions: number;
    statuses: Record<string, number>;
    classes: ClassCounts;
    requestIds: string[];
    versions: string[];
    incident: { name: string; impact: string; url: string | null; start: string; end: string | null } | null;
  }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function historyToJson(history: History): HistoryJson {
  return {
    since: history.sinceMs === null ? null : iso(history.sinceMs),
    until: iso(history.untilMs),
    bucket: history.bucket,
    totals: history.totals,
    buckets: history.buckets.map((bucket) => ({ start: iso(bucket.startAt), failures: bucket.failures, retries: bucket.retries })),
    episodes: history.episodes.map((episode) => ({
      family: episode.family,
      start: iso(episode.startAt),
      end: iso(episode.endAt),
      failures: episode.failures,
      retries: episode.retries,
      sessions: episode.sessions,
      statuses: episode.statuses,
      classes: episode.classes,
      requestIds: episode.requestIds,
      versions: episode.versions,
      incident: episode.incident && {
        name: episode.incident.name,
        impact: episode.incident.impact,
        url: episode.incident.url,
        start: iso(episode.incident.startAt),
        end: episode.incident.endAt === null ? null : iso(episode.incident.endAt),
      },
    })),
  };
}
