// The history panel's data, from the history: what the webview draws, already in words and local
// times so the webview only lays it out; and Copy Summary's Markdown, made from the same data.
import type { EpisodeFamily } from '../episodes';
import { parseNetworkCode } from '../report/fields';
import type { ApiFailureEvent, FailureClass } from '../types';
import type { HistoryEpisode, HistoryIncident, History } from './history';
import { incidentMatters, summarizeHistory } from './history';
import {
  IMPACTS,
  type Impact,
  type PanelBucket,
  type PanelData,
  type PanelEpisode,
  type PanelIncident,
  type PanelNotice,
  type PanelRange,
  type PanelScope,
  type Verdict,
} from './panelProtocol';
import { formatDuration, formatLocal, nextBucketStart } from './time';

export interface PanelDataOptions {
  range: PanelRange;
  scope: PanelScope;
  /** All incidents known (null: the status page was not asked, or could not say). */
  incidents: readonly HistoryIncident[] | null;
  /** Why the status page was not asked, when it was not. */
  statusNote?: string;
}

/** Request IDs an episode sends the webview (it shows a few; copying takes them all from the extension). */
const PANEL_REQUEST_IDS = 5;

const RANGE_TEXT: Readonly<Record<PanelRange, string>> = { '24h': 'the last 24 hours', '7d': 'the last 7 days', '30d': 'the last 30 days' };
const SCOPE_TEXT: Readonly<Record<PanelScope, string>> = { workspace: 'this workspace', all: 'all sessions' };

/** Final failures of a class in words, one and many. */
export const CLASS_NOUNS: Readonly<Record<FailureClass, readonly [string, string]>> = {
  server: ['server error', 'server errors'],
  overloaded: ['overloaded error', 'overloaded errors'],
  rate_limit: ['rate limit', 'rate limits'],
  auth: ['login failure', 'login failures'],
  client: ['rejected request', 'rejected requests'],
  network: ['connection failure', 'connection failures'],
  unknown: ['unrecognised error', 'unrecognised errors'],
};

/** The class a retry was for, as an adjective: `3 retries: overloaded (529)`. */
const CLASS_ADJECTIVES: Readonly<Record<FailureClass, string>> = {
  server: 'server error',
  overloaded: 'overloaded',
  rate_limit: 'rate limited',
  auth: 'login',
  client: 'rejected',
  network: 'connection',
  unknown: 'unrecognised',
};

const plural = (n: number, [one, many]: readonly [string, string]) => `${n} ${n === 1 ? one : many}`;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Short local dates, without the commas `en-US` puts in: `Mon Nov 30`. */
function dayWords(ms: number, timeZone: string, weekday: boolean): string {
  const key = `${timeZone}|${weekday}`;
  let format = dayFormats.get(key);
  // Made once per zone: building a DateTimeFormat costs far more than using one.
  if (!format) dayFormats.set(key, (format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: weekday ? 'short' : undefined, month: 'short', day: 'numeric' })));
  const parts = format.formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return [weekday ? part('weekday') : '', part('month'), part('day')].filter(Boolean).join(' ');
}

const clock = (ms: number, timeZone: string) => formatLocal(ms, timeZone).slice(11);
const localDate = (ms: number, timeZone: string) => formatLocal(ms, timeZone).slice(0, 10);

function spanWords(start: number, end: number | null, timeZone: string): string {
  const from = `${dayWords(start, timeZone, false)} ${clock(start, timeZone)}`;
  if (end === null) return `since ${from}`;
  if (localDate(start, timeZone) === localDate(end, timeZone)) return `${from}–${clock(end, timeZone)}`;
  return `${from} – ${dayWords(end, timeZone, false)} ${clock(end, timeZone)}`;
}

const impactOf = (impact: string): Impact => ((IMPACTS as readonly string[]).includes(impact) ? (impact as Impact) : 'none');

/** `2 server errors (500)`, `3 retries: overloaded (529)`, `in 2 sessions`. */
function whatHappened(events: readonly ApiFailureEvent[], sessions: number): string[] {
  const groups = new Map<string, { kind: 'failure' | 'retry'; failureClass: FailureClass; count: number; details: Set<string> }>();
  for (const event of events) {
    const key = `${event.kind}:${event.failureClass}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { kind: event.kind, failureClass: event.failureClass, count: 0, details: new Set() }));
    group.count += 1;
    if (event.status !== null) group.details.add(String(event.status));
    else if (parseNetworkCode(event.networkCode)) group.details.add(event.networkCode!);
  }
  const phrases = [...groups.values()]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'failure' ? -1 : 1))
    .map((group) => {
      const details = group.details.size ? ` (${[...group.details].sort().join(', ')})` : '';
      return group.kind === 'failure'
        ? `${plural(group.count, CLASS_NOUNS[group.failureClass])}${details}`
        : `${plural(group.count, ['retry', 'retries'])}: ${CLASS_ADJECTIVES[group.failureClass]}${details}`;
    });
  if (sessions > 1) phrases.push(`in ${sessions} sessions`);
  return phrases;
}

/** "Is it me or Anthropic?" from the family, the matched incident and what the lines said. */
export function verdictFor(episode: Pick<HistoryEpisode, 'family' | 'incident' | 'events'>, incidentChecked: boolean): Verdict {
  const incident = episode.incident;
  if (incident) return { who: 'anthropic', headline: 'Anthropic', detail: `on the status page (${impactOf(incident.impact)})` };
  const unconfirmed = incidentChecked ? 'not on the status page' : 'status page not asked';
  switch (episode.family) {
    case 'anthropic':
      return { who: 'anthropic', headline: 'Anthropic', detail: `server side; ${unconfirmed}` };
    case 'rate_limit':
      return episode.events.every((event) => event.transient)
        ? { who: 'anthropic', headline: 'Anthropic', detail: 'temporary limiting, not your usage limit' }
        : { who: 'you', headline: 'You', detail: 'a usage or rate limit: wait for it to reset' };
    case 'auth':
      return { who: 'you', headline: 'You', detail: 'login or API key: run /login' };
    case 'network':
      return { who: 'network', headline: 'Your network', detail: `connection, proxy or DNS; ${unconfirmed}` };
    case 'client':
      return { who: 'claude-code', headline: 'Claude Code', detail: 'requests the API rejected: worth a report' };
    default:
      return { who: 'unclear', headline: 'Unclear', detail: `errors not recognised; ${unconfirmed}` };
  }
}

/** Families a bug report fits: not limits and logins (nothing to file: wait, or log in). */
const REPORTABLE: ReadonlySet<EpisodeFamily> = new Set<EpisodeFamily>(['anthropic', 'network', 'client', 'unknown']);

function emptyNotice(range: PanelRange, scope: PanelScope): PanelNotice {
  if (scope === 'workspace') {
    return { text: `No Claude API failures or retries in this workspace in ${RANGE_TEXT[range]}.`, action: { kind: 'setScope', scope: 'all', label: 'Show All Sessions' } };
  }
  if (range !== '30d') return { text: `No Claude API failures or retries in ${RANGE_TEXT[range]}.`, action: { kind: 'setRange', range: '30d', label: 'Show 30 Days' } };
  return {
    text: 'No Claude API failures or retries in the last 30 days, in any session.',
    action: { kind: 'runDiagnostics', label: 'Run Diagnostics' },
  };
}

export function toPanelData(history: History, options: PanelDataOptions): PanelData {
  const zone = history.timeZone;
  const summary = summarizeHistory(history);
  const since = history.sinceMs ?? history.buckets[0]?.startAt ?? history.untilMs;
  const statusAsked = options.incidents !== null;
  const statusLine = !statusAsked
    ? (options.statusNote ?? "Anthropic's status page was not asked.")
    : summary.outages === 0
      ? 'No outages in this range.'
      : `Anthropic's status page reported an incident during ${summary.outagesWithIncident} of ${summary.outages} outage${summary.outages === 1 ? '' : 's'}.`;
  const known = (options.incidents ?? []).filter((incident) => (incident.endAt ?? history.untilMs) >= since && incident.startAt <= history.untilMs);
  const incidents: PanelIncident[] = known.map((incident, id) => toPanelIncident(incident, id, zone));
  const buckets: PanelBucket[] = history.buckets.map((bucket) => {
    const end = nextBucketStart(bucket.startAt, history.bucket, zone);
    const midnight = clock(bucket.startAt, zone) === '00:00';
    return {
      start: bucket.startAt,
      end,
      tick: history.bucket === 'day' || midnight ? dayWords(bucket.startAt, zone, false) : clock(bucket.startAt, zone),
      title: history.bucket === 'day' ? dayWords(bucket.startAt, zone, true) : `${dayWords(bucket.startAt, zone, true)} ${clock(bucket.startAt, zone)}–${clock(end, zone)}`,
      failures: bucket.failures,
      retries: bucket.retries,
    };
  });
  const episodes = history.episodes.map((episode, id): PanelEpisode => {
    const incidentChecked = statusAsked && incidentMatters(episode.family);
    const incident = episode.incident ? (incidents[known.indexOf(episode.incident)] ?? toPanelIncident(episode.incident, -1, zone)) : null;
    incident?.episodes.push(id);
    return {
      id,
      family: episode.family,
      start: episode.startAt,
      end: episode.endAt,
      startLocal: formatLocal(episode.startAt, zone),
      startUtc: new Date(episode.startAt).toISOString().slice(0, 16).replace('T', ' '),
      when: `${dayWords(episode.startAt, zone, true)} ${clock(episode.startAt, zone)}`,
      duration: formatDuration(episode.endAt - episode.startAt),
      failures: episode.failures,
      retries: episode.retries,
      sessions: episode.sessions,
      statuses: episode.statuses,
      classes: episode.classes,
      what: whatHappened(episode.events, episode.sessions),
      versions: episode.versions,
      requestIds: episode.requestIds.slice(0, PANEL_REQUEST_IDS),
      requestIdCount: episode.requestIds.length,
      incident,
      incidentChecked,
      verdict: verdictFor(episode, incidentChecked),
      reportable: REPORTABLE.has(episode.family),
    };
  });
  return {
    range: options.range,
    scope: options.scope,
    bucket: history.bucket,
    timeZone: zone,
    since,
    until: history.untilMs,
    from: buckets[0]?.start ?? since,
    to: buckets.at(-1)?.end ?? history.untilMs,
    buckets,
    episodes,
    incidents,
    summary: {
      ...summary,
      longestOutageText: summary.longestOutage
        ? `${formatDuration(summary.longestOutage.durationMs)} on ${formatLocal(summary.longestOutage.startAt, zone)}`
        : null,
    },
    statusLine,
    rangeText: RANGE_TEXT[options.range],
    scopeText: SCOPE_TEXT[options.scope],
    empty: summary.failures + summary.retries === 0 ? emptyNotice(options.range, options.scope) : null,
  };
}

function toPanelIncident(incident: HistoryIncident, id: number, zone: string): PanelIncident {
  return {
    id,
    name: incident.name,
    impact: impactOf(incident.impact),
    url: incident.url,
    start: incident.startAt,
    end: incident.endAt,
    when: spanWords(incident.startAt, incident.endAt, zone),
    episodes: [],
  };
}
