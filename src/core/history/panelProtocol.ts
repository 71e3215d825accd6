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

export interface PanelIncident {
  name: string;
  impact: string;
  url: string | null;
  /** Epoch ms; `end` null while unresolved. */
  start: number;
  end: number | null;
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
  duration: string;
  failures: number;
  retries: number;
  sessions: number;
  statuses: Record<string, number>;
  classes: ClassCounts;
  versions: string[];
  requestIds: string[];
  incident: PanelIncident | null;
  /** Whether a status page match was looked for (false for the user's own trouble, or status not asked). */
  incidentChecked: boolean;
}

export interface PanelData {
  range: PanelRange;
  scope: PanelScope;
  bucket: BucketSize;
  timeZone: string;
  since: number;
  until: number;
  buckets: Array<{ start: number; label: string; failures: ClassCounts; retries: number }>;
  episodes: PanelEpisode[];
  /** Incidents overlapping the range, for the band. */
  incidents: PanelIncident[];
  summary: HistorySummary & { longestOutageText: string | null };
  /** What the status page said, in words: "Anthropic's status page reported an incident during 1 of 2 outages", or why not asked. */
  statusLine: string;
}

/** Extension → webview. */
export type HostMessage =
  | { type: 'history'; data: PanelData }
  | { type: 'progress'; text: string }
  | { type: 'error'; text: string };

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready'; range: PanelRange; scope: PanelScope }
  | { type: 'setRange'; range: PanelRange }
  | { type: 'setScope'; scope: PanelScope }
  | { type: 'copyReport'; episode: number }
  | { type: 'openTranscript'; episode: number }
  | { type: 'openIncident'; episode: number }
  | { type: 'copyText'; text: string }
  /** What the chart drew, for tests and the screen-reader summary: failures and retries in total. */
  | { type: 'drawn'; failures: number; retries: number; episodes: number; incidents: number };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isRange = (value: unknown): value is PanelRange => (PANEL_RANGES as readonly unknown[]).includes(value);
const isScope = (value: unknown): value is PanelScope => (PANEL_SCOPES as readonly unknown[]).includes(value);

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
      return isCount(value.episode) ? { type: value.type, episode: value.episode } : null;
    case 'copyText':
      // Only what the panel shows can be copied: request IDs.
      return typeof value.text === 'string' && /^req_[A-Za-z0-9]{1,100}$/.test(value.text) ? { type: 'copyText', text: value.text } : null;
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
  if (value.type === 'progress' || value.type === 'error') return typeof value.text === 'string' ? { type: value.type, text: value.text } : null;
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
