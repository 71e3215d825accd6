// Messages between the history panel (a webview, untrusted) and the extension, with the checks
// both sides run on what they receive. Pure: the webview bundle imports it too.
import type { EpisodeFamily } from '../episodes';
import type { FailureClass } from '../types';
import type { ClassCounts, HistorySummary } from './history';
import type { BucketSize } from './time';

export const PANEL_RANGES = ['24h', '7d', '30d'] as const;
export type PanelRange = (typeof PANEL_RANGES)[number];
export const PANEL_SCOPES = ['workspace', 'all'] as const;
export type PanelScope = (typeof PANEL_SCOPES)[number];

export const RANGE_MS: Readonly<Record<PanelRange, number>> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
export const RANGE_BUCKET: Readonly<Record<PanelRange, BucketSize>> = { '24h': 'hour', '7d': 'day', '30d': 'day' };

/** Statuspage's impacts; anything else it may send reads as `none`. */
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export interface PanelIncident {
  /** Its index in `PanelData.incidents`. */
  id: number;
  name: string;
  impact: Impact;
  url: string | null;
  /** Epoch ms; `end` null while unresolved. */
  start: number;
  end: number | null;
  /** Local time span in words: `Nov 30 08:39–09:29`, `since Nov 30 08:39`. */
  when: string;
  /** The episodes (ids) it was matched to. */
  episodes: number[];
}

/** "Is it me or Anthropic?" for one episode. */
export interface Verdict {
  who: 'anthropic' | 'you' | 'network' | 'claude-code' | 'unclear';
  /** One or two words: `Anthropic`, `You`, `Your network`. */
  headline: string;
  /** Why, in a short phrase: `on the status page: …`, `plan limit — wait for it to reset`. */
  detail: string;
}

export interface PanelEpisode {
  /** Stable within one `history` message: the index in `episodes`. */
  id: number;
  family: EpisodeFamily;
  start: number;
  end: number;
  /** `2026-01-15 10:02` local, and the same instant in UTC. */
  startLocal: string;
  startUtc: string;
  /** One line: `Thu Jan 15 10:02`. */
  when: string;
  duration: string;
  failures: number;
  retries: number;
  sessions: number;
  statuses: Record<string, number>;
  classes: ClassCounts;
  /** What happened in words: `2 server errors (500)`, `3 retries: overloaded (529)`, `in 2 sessions`. */
  what: string[];
  versions: string[];
  requestIds: string[];
  /** How many request IDs it has in all (`requestIds` holds the first few). */
  requestIdCount: number;
  incident: PanelIncident | null;
  /** Whether a status page match was looked for (false for the user's own trouble, or status not asked). */
  incidentChecked: boolean;
  verdict: Verdict;
  /** Whether a bug report fits (not for limits and logins: nothing to file). */
  reportable: boolean;
}

export interface PanelBucket {
  /** Epoch ms of its first instant, and of the next bucket's (local days last 23 to 25 hours). */
  start: number;
  end: number;
  /** Axis label: `Nov 30` for a day, `14:00` for an hour (`Dec 1` at a local midnight). */
  tick: string;
  /** In words for hover and screen readers: `Mon Nov 30`, `Nov 30 14:00–15:00`. */
  title: string;
  failures: ClassCounts;
  retries: number;
}

/** A state with nothing to draw: one sentence and the action that fixes it. */
export interface PanelNotice {
  text: string;
  action: PanelAction | null;
}

/** What a notice's button does (the extension decides how). */
export type PanelAction =
  | { kind: 'setScope'; scope: PanelScope; label: string }
  | { kind: 'setRange'; range: PanelRange; label: string }
  | { kind: 'openConfigDirSetting'; label: string }
  | { kind: 'runDiagnostics'; label: string }
  | { kind: 'retry'; label: string };

export interface PanelData {
  range: PanelRange;
  scope: PanelScope;
  bucket: BucketSize;
  timeZone: string;
  since: number;
  until: number;
  /** The chart's time axis: the first bucket's start to the last one's end. */
  from: number;
  to: number;
  buckets: PanelBucket[];
  episodes: PanelEpisode[];
  /** Incidents overlapping the range, for the band. */
  incidents: PanelIncident[];
  summary: HistorySummary & { longestOutageText: string | null };
  /** What the status page said, in words: "Anthropic's status page reported an incident during 1 of 2 outages", or why not asked. */
  statusLine: string;
  /** `the last 7 days`, `this workspace`: for sentences. */
  rangeText: string;
  scopeText: string;
  /** Set when there is nothing to draw. */
  empty: PanelNotice | null;
}

/** Extension → webview. */
export type HostMessage =
  | { type: 'history'; data: PanelData }
  | { type: 'progress'; text: string }
  | { type: 'error'; text: string; action: PanelAction | null };

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready'; range: PanelRange; scope: PanelScope }
  | { type: 'setRange'; range: PanelRange }
  | { type: 'setScope'; scope: PanelScope }
  | { type: 'copyReport'; episode: number }
  | { type: 'openTranscript'; episode: number }
  | { type: 'openIncident'; episode: number }
  | { type: 'copyRequestIds'; episode: number }
  /** An incident of the band, by its id. */
  | { type: 'openIncidentPage'; incident: number }
  | { type: 'copyText'; text: string }
  | { type: 'copySummary' }
  | { type: 'action'; action: 'openConfigDirSetting' | 'runDiagnostics' | 'retry' }
  /** What the chart drew, for tests and the screen-reader summary: failures and retries in total. */
  | { type: 'drawn'; failures: number; retries: number; episodes: number; incidents: number };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isRange = (value: unknown): value is PanelRange => (PANEL_RANGES as readonly unknown[]).includes(value);
const isScope = (value: unknown): value is PanelScope => (PANEL_SCOPES as readonly unknown[]).includes(value);
const ACTIONS = ['openConfigDirSetting', 'runDiagnostics', 'retry'] as const;

/** What the extension accepts from the webview; anything else is null (and ignored). */
export function parseWebviewMessage(value: unknown): WebviewMessage | null {
  if (!isObject(value) || typeof value.type !== 'string') return null;
  switch (value.type) {
    case 'ready':
      return isRange(value.range) && isScope(value.scope) ? { type: 'ready', range: value.range, scope: value.scope } : null;
    case 'setRange':
      return isRange(value.range) ? { type: 'setRange', range: value.range } : null;
    case 'setScope':
      return isScope(value.scope) ? { type: 'setScope', scope: value.scope } : null;
    case 'copyReport':
    case 'openTranscript':
    case 'openIncident':
    case 'copyRequestIds':
      return isCount(value.episode) ? { type: value.type, episode: value.episode } : null;
    case 'openIncidentPage':
      return isCount(value.incident) ? { type: 'openIncidentPage', incident: value.incident } : null;
    case 'copyText':
      // Only what the panel shows can be copied: request IDs.
      return typeof value.text === 'string' && /^req_[A-Za-z0-9]{1,100}$/.test(value.text) ? { type: 'copyText', text: value.text } : null;
    case 'copySummary':
      return { type: 'copySummary' };
    case 'action':
      return (ACTIONS as readonly unknown[]).includes(value.action) ? { type: 'action', action: value.action as (typeof ACTIONS)[number] } : null;
    case 'drawn':
      return isCount(value.failures) && isCount(value.retries) && isCount(value.episodes) && isCount(value.incidents)
        ? { type: 'drawn', failures: value.failures, retries: value.retries, episodes: value.episodes, incidents: value.incidents }
        : null;
    default:
      return null;
  }
}

/** What the webview accepts from the extension (a light check: the extension is trusted, the channel is not typed). */
export function parseHostMessage(value: unknown): HostMessage | null {
  if (!isObject(value)) return null;
  if (value.type === 'progress') return typeof value.text === 'string' ? { type: 'progress', text: value.text } : null;
  if (value.type === 'error') {
    return typeof value.text === 'string' ? { type: 'error', text: value.text, action: isObject(value.action) ? (value.action as PanelAction) : null } : null;
  }
  if (value.type !== 'history' || !isObject(value.data)) return null;
  const data = value.data;
  if (!isRange(data.range) || !isScope(data.scope) || !Array.isArray(data.buckets) || !Array.isArray(data.episodes) || !Array.isArray(data.incidents)) return null;
  if (!isObject(data.summary) || typeof data.statusLine !== 'string') return null;
  return { type: 'history', data: data as unknown as PanelData };
}

/** Chart colours by class, as CSS variables of the editor theme (charts.* exist in every theme). */
export const CLASS_COLORS: Readonly<Record<FailureClass, string>> = {
  server: '--vscode-charts-red',
  overloaded: '--vscode-charts-orange',
  rate_limit: '--vscode-charts-yellow',
  auth: '--vscode-charts-purple',
  client: '--vscode-charts-blue',
  network: '--vscode-charts-green',
  unknown: '--vscode-charts-foreground',
};
