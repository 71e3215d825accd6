// The history panel's data, from the history: what the webview draws, already in words and local
// times so the webview only lays it out.
import type { HistoryIncident, History } from './history';
import { incidentMatters, summarizeHistory } from './history';
import type { PanelData, PanelIncident, PanelRange, PanelScope } from './panelProtocol';
import { formatDuration, formatLocal } from './time';

export interface PanelDataOptions {
  range: PanelRange;
  scope: PanelScope;
  /** All incidents known (null: the status page was not asked, or could not say). */
  incidents: readonly HistoryIncident[] | null;
  /** Why the status page was not asked, when it was not. */
  statusNote?: string;
}

const toPanelIncident = (incident: HistoryIncident): PanelIncident => ({
  name: incident.name,
  impact: incident.impact,
  url: incident.url,
  start: incident.startAt,
  end: incident.endAt,
});

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
  return {
    range: options.range,
    scope: options.scope,
    bucket: history.bucket,
    timeZone: zone,
    since,
    until: history.untilMs,
    buckets: history.buckets.map((bucket) => ({
      start: bucket.startAt,
      label: history.bucket === 'hour' ? formatLocal(bucket.startAt, zone).slice(11) : formatLocal(bucket.startAt, zone).slice(5, 10),
      failures: bucket.failures,
      retries: bucket.retries,
    })),
    episodes: history.episodes.map((episode, id) => ({
      id,
      family: episode.family,
      start: episode.startAt,
      end: episode.endAt,
      startLocal: formatLocal(episode.startAt, zone),
      startUtc: new Date(episode.startAt).toISOString().slice(0, 16).replace('T', ' '),
      duration: formatDuration(episode.endAt - episode.startAt),
      failures: episode.failures,
      retries: episode.retries,
      sessions: episode.sessions,
      statuses: episode.statuses,
      classes: episode.classes,
      versions: episode.versions,
      requestIds: episode.requestIds.slice(0, 50),
      incident: episode.incident && toPanelIncident(episode.incident),
      incidentChecked: statusAsked && incidentMatters(episode.family),
    })),
    incidents: (options.incidents ?? [])
      .filter((incident) => (incident.endAt ?? history.untilMs) >= since && incident.startAt <= history.untilMs)
      .map(toPanelIncident),
    summary: {
      ...summary,
      longestOutageText: summary.longestOutage
        ? `${formatDuration(summary.longestOutage.durationMs)} on ${formatLocal(summary.longestOutage.startAt, zone)}`
        : null,
    },
    statusLine,
  };
}
