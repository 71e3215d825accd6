// The team view's metric and attribute names and the sink that receives measurements: shared by
// the feed (in the bundles) and the OpenTelemetry export (a lazy module), so a leaf that imports
// nothing but types.
import type { TrackerState } from '../tracker';

/** The metric names (OpenTelemetry) and what Prometheus makes of them. */
export const METRICS = {
  failures: { name: 'claude_api_watch.failures', prometheus: 'claude_api_watch_failures_total', unit: '{request}' },
  retries: { name: 'claude_api_watch.retries', prometheus: 'claude_api_watch_retries_total', unit: '{retry}' },
  episodes: { name: 'claude_api_watch.episodes', prometheus: 'claude_api_watch_episodes_total', unit: '{episode}' },
  episodeDuration: { name: 'claude_api_watch.episode.duration', prometheus: 'claude_api_watch_episode_duration_seconds', unit: 's' },
  incidentMatches: { name: 'claude_api_watch.incident.matches', prometheus: 'claude_api_watch_incident_matches_total', unit: '{episode}' },
  state: { name: 'claude_api_watch.state', prometheus: 'claude_api_watch_state', unit: '{state}' },
  affectedSessions: { name: 'claude_api_watch.sessions.affected', prometheus: 'claude_api_watch_sessions_affected', unit: '{session}' },
} as const;

/** The attribute keys (Prometheus: dots become underscores). */
export const ATTRIBUTES = {
  /** The failure class (`server`, `overloaded`, `rate_limit`, ...): OpenTelemetry's `error.type`. */
  failureClass: 'error.type',
  /** The HTTP status, when the line carries one (none for network failures). */
  status: 'http.response.status_code',
  family: 'claude_api_watch.family',
  state: 'claude_api_watch.state',
  /** Did an incident on Anthropic's status page cover the episode: `true` / `false`. */
  incidentMatched: 'claude_api_watch.incident.matched',
  incidentImpact: 'claude_api_watch.incident.impact',
  teamMember: 'team.member',
} as const;

export type Attributes = Record<string, string | number | boolean>;

export const TRACKER_STATES: readonly TrackerState[] = ['healthy', 'retrying', 'failing', 'recovered'];

/** Histogram boundaries for an episode's length, seconds: a blip to half a day. */
export const EPISODE_DURATION_BUCKETS_S = [0, 10, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200, 14_400, 43_200];

/** Where the measurements go: OpenTelemetry's instruments, or a test's lists. */
export interface MetricsSink {
  failure(attributes: Attributes): void;
  retry(attributes: Attributes): void;
  episodeStarted(attributes: Attributes): void;
  episodeEnded(durationSeconds: number, attributes: Attributes): void;
  incidentMatched(attributes: Attributes): void;
}

/** What the gauges read when asked (a scrape, an export). */
export interface GaugeReading {
  state: TrackerState;
  affectedSessions: number;
}

