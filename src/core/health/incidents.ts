// Anthropic's incident history (Statuspage `incidents.json`, beside the configured `summary.json`):
// what the history and the bug report match outages against. Asked only when the history panel
// opens or a report is built, at most every 5 minutes, and only where the status page applies
// (`anthropicStatusApplies`: the setting is on, Claude Code talks to Anthropic's own API).
import { isJsonObject } from '../json';
import { eventTime, familyOf } from '../episodes';
import { DEFAULT_INCIDENT_SLACK_MS, incidentMatters, matchIncident, type HistoryIncident } from '../history/history';
import type { ApiFailureEvent } from '../types';
import { cleanText, DEFAULT_STATUS_SUMMARY_URL, fetchStatusPageJson, type FetchStatusOptions } from './statusPage';

export const INCIDENTS_MIN_INTERVAL_MS = 5 * 60_000;
/** Statuspage lists the latest 50; more than this is not a status page. */
const MAX_INCIDENTS = 500;
const IMPACTS: readonly string[] = ['none', 'minor', 'major', 'critical'];

export interface AnthropicIncident extends HistoryIncident {
  /** `investigating`, `identified`, `monitoring`, `resolved`, `postmortem`. */
  status: string;
  /** Names of the components it affected. */
  components: string[];
}

export type IncidentHistory =
  | { kind: 'reported'; incidents: AnthropicIncident[]; fetchedAt: string }
  | { kind: 'unknown'; reason: string; fetchedAt: string };

/** `…/api/v2/summary.json` → `…/api/v2/incidents.json`; any other URL: `incidents.json` beside it. */
export function incidentsUrlFor(summaryUrl: string): string {
  const url = new URL(summaryUrl || DEFAULT_STATUS_SUMMARY_URL);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.endsWith('/summary.json')
    ? url.pathname.slice(0, -'summary.json'.length) + 'incidents.json'
    : new URL('incidents.json', url).pathname;
  return url.toString();
}

function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** The incidents in a Statuspage `incidents.json` (or a summary's `incidents`), or null when it is not one. */
export function readIncidents(json: unknown): AnthropicIncident[] | null {
  if (!isJsonObject(json) || !Array.isArray(json.incidents)) return null;
  return json.incidents
    .slice(0, MAX_INCIDENTS)
    .filter(isJsonObject)
    .flatMap((incident): AnthropicIncident[] => {
      const name = cleanText(incident.name);
      const startAt = time(incident.started_at) ?? time(incident.created_at);
      if (name === null || startAt === null) return [];
      const impact = cleanText(incident.impact);
      const status = cleanText(incident.status) ?? 'unknown';
      const resolvedAt = time(incident.resolved_at);
      const url = cleanText(incident.shortlink);
      return [
        {
          name,
          impact: impact !== null && IMPACTS.includes(impact) ? impact : 'none',
          status,
          url: url !== null && /^https?:\/\//i.test(url) ? url : null,
          startAt,
          endAt: resolvedAt !== null && resolvedAt >= startAt ? resolvedAt : null,
          components: (Array.isArray(incident.components) ? incident.components : [])
            .filter(isJsonObject)
            .map((component) => cleanText(component.name))
            .filter((componentName): componentName is string => componentName !== null),
        },
      ];
    })
    .sort((a, b) => a.startAt - b.startAt);
}

/** Fetches and reads `incidents.json`. Never throws. */
export async function fetchAnthropicIncidents(incidentsUrl: string, options: FetchStatusOptions = {}): Promise<IncidentHistory> {
  const fetchedAt = new Date((options.now ?? Date.now)()).toISOString();
  const answer = await fetchStatusPageJson(incidentsUrl, options);
  if ('reason' in answer) return { kind: 'unknown', reason: answer.reason, fetchedAt };
  const incidents = readIncidents(answer.json);
  return incidents ? { kind: 'reported', incidents, fetchedAt } : { kind: 'unknown', reason: 'status page sent an unexpected format', fetchedAt };
}

export interface IncidentSourceOptions {
  /** From `anthropicStatusApplies`. */
  enabled: boolean;
  /** The configured `summary.json` URL. */
  summaryUrl?: string;
  minIntervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /** Replaces `fetchAnthropicIncidents` (tests). */
  fetchIncidents?: (url: string) => Promise<IncidentHistory>;
}

/**
 * Asks for the incident history when someone needs it (the panel opening, a report being built),
 * at most once per `minIntervalMs`, and answers from the last reply in between. Disabled: null,
 * and no request at all.
 */
export class IncidentSource {
  #last: IncidentHistory | null = null;
  #lastAskedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<IncidentHistory | null> | null = null;
  readonly #options: IncidentSourceOptions;
  readonly #now: () => number;
  readonly #url: string;

  constructor(options: IncidentSourceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#url = incidentsUrlFor(options.summaryUrl ?? DEFAULT_STATUS_SUMMARY_URL);
  }

  get enabled(): boolean {
    return this.#options.enabled;
  }

  get url(): string {
    return this.#url;
  }

  /** The `summary.json` URL it was made for. */
  get summaryUrl(): string | undefined {
    return this.#options.summaryUrl;
  }

  /** The last reply, without asking. */
  current(): IncidentHistory | null {
    return this.#options.enabled ? this.#last : null;
  }

  /** The incident history, asked for now unless asked less than `minIntervalMs` ago. */
  get(): Promise<IncidentHistory | null> {
    if (!this.#options.enabled) return Promise.resolve(null);
    if (this.#inFlight) return this.#inFlight;
    if (this.#now() - this.#lastAskedAt < (this.#options.minIntervalMs ?? INCIDENTS_MIN_INTERVAL_MS)) return Promise.resolve(this.#last);
    this.#lastAskedAt = this.#now();
    const fetchIncidents =
      this.#options.fetchIncidents ?? ((url: string) => fetchAnthropicIncidents(url, { timeoutMs: this.#options.timeoutMs, now: this.#now }));
    this.#inFlight = fetchIncidents(this.#url)
      .catch((error: unknown): IncidentHistory => ({
        kind: 'unknown',
        reason: `status check failed: ${error instanceof Error ? error.message : String(error)}`,
        fetchedAt: new Date(this.#now()).toISOString(),
      }))
      .then((history) => {
        this.#inFlight = null;
        // A failed ask keeps the incidents known from before: they have not gone away.
        if (history.kind === 'reported' || this.#last?.kind !== 'reported') this.#last = history;
        return this.#last;
      });
    return this.#inFlight;
  }
}

/** The incidents of a reply, or none. */
export function incidentsOf(history: IncidentHistory | null): AnthropicIncident[] {
  return history?.kind === 'reported' ? history.incidents : [];
}

/** One line for a bug report about an outage: the matched incident, or that there was none. */
export function describeIncidentMatch(incident: HistoryIncident | null): string {
  if (!incident) return "no incident on Anthropic's status page during this outage";
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const start = iso(incident.startAt);
  const end = incident.endAt === null ? 'unresolved' : iso(incident.endAt);
  return `${incident.name} (impact ${incident.impact}, ${start} – ${end})${incident.url ? ` ${incident.url}` : ''}`;
}

/**
 * The report's incident line for an outage's events: the incident their time span overlaps, or
 * that there was none. Null when the events cannot be placed in time or are not Anthropic's kind of trouble.
 */
export function incidentLineForOutage(
  events: readonly ApiFailureEvent[],
  incidents: readonly HistoryIncident[],
  nowMs: number,
  slackMs: number = DEFAULT_INCIDENT_SLACK_MS,
): string | null {
  const times = events.map(eventTime).filter((at): at is number => at !== null);
  const subject = [...events].reverse().find((event) => event.kind === 'failure') ?? events.at(-1);
  if (times.length === 0 || !subject || !incidentMatters(familyOf(subject.failureClass))) return null;
  const span = { startAt: Math.min(...times), endAt: Math.max(...times) };
  return describeIncidentMatch(matchIncident(span, incidents, slackMs, nowMs));
}
