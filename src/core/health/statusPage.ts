// What Anthropic's status page (Atlassian Statuspage) says. It corroborates what the transcripts
// show, never triggers anything, and is asked only while failures are seen or the user asks.
import { isJsonObject as isObject } from '../json';
import { cloudProvider, resolveHealthTarget } from './apiHealth';
import { networkCode } from './healthCheck';

export const DEFAULT_STATUS_SUMMARY_URL = 'https://status.claude.com/api/v2/summary.json';
export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;
export const STATUS_MIN_INTERVAL_MS = 60_000;

export type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export interface StatusComponent {
  name: string;
  /** Statuspage's value: `operational`, `degraded_performance`, `partial_outage`, `major_outage`, `under_maintenance`. */
  status: string;
}

export interface StatusIncident {
  name: string;
  /** `investigating`, `identified`, `monitoring`, ... */
  status: string;
  /** `none`, `minor`, `major`, `critical`. */
  impact: string;
  /** The incident's shortlink, or null. */
  url: string | null;
  updatedAt: string | null;
}

export interface ReportedAnthropicStatus {
  kind: 'reported';
  indicator: StatusIndicator;
  description: string;
  /** Components that matter to Claude Code users, non-operational first. */
  components: StatusComponent[];
  /** Unresolved incidents, as listed. */
  incidents: StatusIncident[];
  /** ISO 8601, UTC. */
  fetchedAt: string;
}

export interface UnknownAnthropicStatus {
  kind: 'unknown';
  /** e.g. `could not reach status page: ECONNREFUSED`. */
  reason: string;
  fetchedAt: string;
}

export type AnthropicStatus = ReportedAnthropicStatus | UnknownAnthropicStatus;

export interface FetchStatusOptions {
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

const INDICATORS: readonly string[] = ['none', 'minor', 'major', 'critical', 'maintenance'];
const RELEVANT_COMPONENT = /claude|api|console|code/i;
const COMPONENT_SEVERITY: Record<string, number> = {
  major_outage: 4,
  partial_outage: 3,
  degraded_performance: 2,
  under_maintenance: 1,
  operational: 0,
};
const FINISHED_INCIDENT_STATUSES = new Set(['resolved', 'postmortem', 'completed']);
// A status page sends tens of kilobytes; anything far bigger is not one.
const MAX_SUMMARY_BYTES = 5_000_000;
const MAX_TEXT_LENGTH = 300;

/** Fetches and reads a Statuspage `summary.json`. Never throws: failures give `kind: 'unknown'`. */
export async function fetchAnthropicStatus(url: string, options: FetchStatusOptions = {}): Promise<AnthropicStatus> {
  const now = options.now ?? Date.now;
  const fetchedAt = () => new Date(now()).toISOString();
  const answer = await fetchStatusPageJson(url, options);
  if ('reason' in answer) return { kind: 'unknown', reason: answer.reason, fetchedAt: fetchedAt() };
  const reported = readSummary(answer.json);
  return reported ? { ...reported, fetchedAt: fetchedAt() } : { kind: 'unknown', reason: 'status page sent an unexpected format', fetchedAt: fetchedAt() };
}

/**
 * GETs one Statuspage document (summary, incidents) and parses it, untrusted: `{ json }`, or
 * `{ reason }` saying in a few words why not. Never throws.
 */
export async function fetchStatusPageJson(url: string, options: FetchStatusOptions = {}): Promise<{ json: unknown } | { reason: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const fetchImpl = options.fetchImpl ?? fetch;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let text: string;
  try {
    const response = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { reason: `status page answered ${response.status}` };
    }
    text = await response.text();
  } catch (error) {
    if (controller.signal.aborted) return { reason: `status page did not answer within ${timeoutMs} ms` };
    const detail = networkCode(error) ?? (error instanceof Error && error.message !== 'fetch failed' ? error.message : null);
    return { reason: `could not reach status page${detail ? `: ${detail}` : ''}` };
  } finally {
    clearTimeout(timer);
  }
  if (text.length > MAX_SUMMARY_BYTES) return { reason: 'status page answer too large' };
  try {
    return { json: JSON.parse(text) };
  } catch {
    return { reason: 'status page sent something that is not JSON' };
  }
}

/** A trimmed, length-capped string from untrusted JSON, or null. */
export function cleanText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, MAX_TEXT_LENGTH) : null;
}

/** The summary's facts, or null when it is not a Statuspage summary. */
export function readSummary(json: unknown): Omit<ReportedAnthropicStatus, 'fetchedAt'> | null {
  if (!isObject(json) || !isObject(json.status)) return null;
  const indicator = json.status.indicator;
  if (typeof indicator !== 'string' || !INDICATORS.includes(indicator)) return null;
  const components = (Array.isArray(json.components) ? json.components : [])
    .filter(isObject)
    .map((component) => ({ name: cleanText(component.name), status: cleanText(component.status) }))
    .filter((component): component is StatusComponent => component.name !== null && component.status !== null)
    .filter((component) => RELEVANT_COMPONENT.test(component.name))
    .sort((a, b) => severity(b.status) - severity(a.status));
  const incidents = (Array.isArray(json.incidents) ? json.incidents : [])
    .filter(isObject)
    .flatMap((incident): StatusIncident[] => {
      const name = cleanText(incident.name);
      const status = cleanText(incident.status) ?? 'unknown';
      if (name === null || FINISHED_INCIDENT_STATUSES.has(status)) return [];
      const impact = cleanText(incident.impact) ?? 'none';
      return [{ name, status, impact, url: cleanText(incident.shortlink), updatedAt: cleanText(incident.updated_at) }];
    });
  return {
    kind: 'reported',
    indicator: indicator as StatusIndicator,
    description: cleanText(json.status.description) ?? indicator,
    components,
    incidents,
  };
}

function severity(componentStatus: string): number {
  // An unfamiliar status is still not "operational": rank it with degraded performance.
  return COMPONENT_SEVERITY[componentStatus] ?? COMPONENT_SEVERITY.degraded_performance;
}

/** `partial_outage` → `partial outage`. */
export function describeComponentStatus(componentStatus: string): string {
  return componentStatus.replace(/_/g, ' ');
}

/**
 * One line for the tooltip or a report. `failing`: whether failures are being seen now; a status
 * page with no incident during failures is worth saying, since it makes a report worth filing.
 */
export function describeAnthropicStatus(status: AnthropicStatus | null, failing: boolean): string {
  if (status === null) return 'Anthropic status not checked';
  if (status.kind === 'unknown') return `Anthropic status unknown (${status.reason})`;
  const [incident, ...moreIncidents] = status.incidents;
  if (incident) {
    const more = moreIncidents.length ? ` (+${moreIncidents.length} more)` : '';
    return `Anthropic reports: ${incident.name} — ${incident.status}${more}`;
  }
  const affected = status.components.filter((component) => component.status !== 'operational');
  if (affected.length) {
    return `Anthropic reports: ${affected.map((c) => `${c.name} ${describeComponentStatus(c.status)}`).join(', ')}`;
  }
  if (status.indicator !== 'none') return `Anthropic reports: ${status.description}`;
  return failing ? 'Anthropic reports no incident' : 'Anthropic reports all systems operational';
}

type Env = Record<string, string | undefined>;

/**
 * Whether asking Anthropic's status page makes sense: the setting is on and Claude Code talks to
 * the Anthropic API itself (not Bedrock/Vertex/Foundry, not a gateway at another base URL).
 */
export function anthropicStatusApplies(env: Env, settingEnabled: boolean, settingBaseUrl?: string | null): boolean {
  return settingEnabled && cloudProvider(env) === null && resolveHealthTarget(env, settingBaseUrl).isPublicApi;
}

/** Schedules a callback; returns a function that cancels it. */
export type Schedule = (callback: () => void, delayMs: number) => () => void;

export interface AnthropicStatusMonitorOptions {
  /** From `anthropicStatusApplies`. */
  enabled: boolean;
  url?: string;
  timeoutMs?: number;
  minIntervalMs?: number;
  now?: () => number;
  schedule?: Schedule;
  /** Replaces `fetchAnthropicStatus` (tests, or another transport). Should not throw. */
  fetchStatus?: (url: string) => Promise<AnthropicStatus>;
}

export interface StatusSubscription {
  dispose(): void;
}

const defaultSchedule: Schedule = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Decides when to ask the status page: only while failures are being seen (then again every
 * `minIntervalMs` while they last), never more often than once per `minIntervalMs`, and never
 * while disabled. Healthy means silent: no request at all.
 */
export class AnthropicStatusMonitor {
  #enabled: boolean;
  #failing = false;
  #disposed = false;
  #status: AnthropicStatus | null = null;
  #lastAskedAt = Number.NEGATIVE_INFINITY;
  #inFlight = false;
  #cancelTimer: (() => void) | null = null;
  readonly #listeners = new Set<(status: AnthropicStatus | null) => void>();
  readonly #url: string;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  readonly #schedule: Schedule;
  readonly #fetchStatus: (url: string) => Promise<AnthropicStatus>;

  constructor(options: AnthropicStatusMonitorOptions) {
    this.#enabled = options.enabled;
    this.#url = options.url ?? DEFAULT_STATUS_SUMMARY_URL;
    this.#minIntervalMs = options.minIntervalMs ?? STATUS_MIN_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? defaultSchedule;
    const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
    this.#fetchStatus = options.fetchStatus ?? ((url) => fetchAnthropicStatus(url, { timeoutMs, now: this.#now }));
  }

  /** The last answer, or null if none yet (or since it was disabled). */
  current(): AnthropicStatus | null {
    return this.#status;
  }

  onChange(listener: (status: AnthropicStatus | null) => void): StatusSubscription {
    this.#listeners.add(listener);
    return { dispose: () => void this.#listeners.delete(listener) };
  }

  /** Settings or environment changed. Disabling forgets the last answer. */
  setEnabled(enabled: boolean): void {
    if (enabled === this.#enabled) return;
    this.#enabled = enabled;
    if (!enabled) {
      this.#cancelPlanned();
      if (this.#status !== null) this.#publish(null);
      return;
    }
    this.#plan();
  }

  /** Failures are (or are no longer) being seen. Only while they are does the monitor ask on its own. */
  setFailing(failing: boolean): void {
    this.#failing = failing;
    if (!failing) {
      this.#cancelPlanned();
      return;
    }
    this.#plan();
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelPlanned();
    this.#listeners.clear();
  }

  #plan(): void {
    if (!this.#enabled || !this.#failing || this.#disposed || this.#inFlight || this.#cancelTimer) return;
    const wait = this.#lastAskedAt + this.#minIntervalMs - this.#now();
    if (wait <= 0) {
      this.#ask();
      return;
    }
    this.#cancelTimer = this.#schedule(() => {
      this.#cancelTimer = null;
      this.#plan();
    }, wait);
  }

  #cancelPlanned(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  #ask(): void {
    this.#lastAskedAt = this.#now();
    this.#inFlight = true;
    void this.#fetchStatus(this.#url)
      .catch((error: unknown): AnthropicStatus => ({
        kind: 'unknown',
        reason: `status check failed: ${error instanceof Error ? error.message : String(error)}`,
        fetchedAt: new Date(this.#now()).toISOString(),
      }))
      .then((status) => {
        this.#inFlight = false;
        if (this.#disposed || !this.#enabled) return;
        this.#publish(status);
        this.#plan();
      });
  }

  #publish(status: AnthropicStatus | null): void {
    this.#status = status;
    for (const listener of this.#listeners) listener(status);
  }
}
