// A stand-in for Atlassian Statuspage's `/api/v2/summary.json` and `/api/v2/incidents.json`, shaped like status.claude.com's.
import { startStandIn, type StandIn, type StandInReply } from './httpStandIn';

export type StatusIndicatorFixture = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** What the stand-in serves: a summary document, or a broken answer. */
export type StatusPageAnswer = { summary: unknown } | 'not_json' | 'server_error' | 'hang';

export interface StatusPageStandIn extends StandIn {
  answer: StatusPageAnswer;
  /** What `/api/v2/incidents.json` serves (see `incidentsDocument`); `incidents.json` beside `url`. */
  incidentsAnswer: StatusPageAnswer;
  incidentsUrl: string;
}

const PAGE = {
  id: 'tymt9n04zgry',
  name: 'Claude',
  url: 'https://status.claude.com',
  time_zone: 'Etc/UTC',
  updated_at: '2026-01-15T10:40:00.000Z',
};

const DESCRIPTIONS: Record<StatusIndicatorFixture, string> = {
  none: 'All Systems Operational',
  minor: 'Partially Degraded Service',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};

function component(id: string, name: string, status: string, position: number) {
  return {
    id,
    name,
    status,
    created_at: '2023-07-11T17:00:00.000Z',
    updated_at: '2026-01-15T10:40:00.000Z',
    position,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: PAGE.id,
    group: false,
    only_show_if_degraded: false,
  };
}

export interface IncidentFixture {
  name: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem';
  impact: 'none' | 'minor' | 'major' | 'critical';
}

/**
 * A summary for an indicator. `apiStatus` is the status of the "Claude API" component
 * (operational unless given); incidents are listed as given.
 */
export function statusSummary(
  indicator: StatusIndicatorFixture,
  options: { apiStatus?: string; incidents?: IncidentFixture[] } = {},
): unknown {
  const incidents = (options.incidents ?? []).map((incident, index) => ({
    id: `inc${index}x7y8z9`,
    name: incident.name,
    status: incident.status,
    created_at: '2026-01-15T10:20:00.000Z',
    updated_at: '2026-01-15T10:38:00.000Z',
    monitoring_at: null,
    resolved_at: incident.status === 'resolved' ? '2026-01-15T10:38:00.000Z' : null,
    impact: incident.impact,
    shortlink: `https://stspg.io/inc${index}`,
    started_at: '2026-01-15T10:20:00.000Z',
    page_id: PAGE.id,
    incident_updates: [],
    components: [],
  }));
  return {
    page: PAGE,
    components: [
      component('rwppv331jlwc', 'claude.ai', 'operational', 1),
      component('0qbwn08sd68x', 'platform.claude.com', 'operational', 2),
      component('k8w3r06qmzrp', 'Claude API (api.anthropic.com)', options.apiStatus ?? 'operational', 3),
      component('yjjyxxhkr2ql', 'Claude Code', 'operational', 4),
      component('bpp5gb3bqxnb', 'Status notifications', 'operational', 5),
    ],
    incidents,
    scheduled_maintenances: [],
    status: { indicator, description: DESCRIPTIONS[indicator] },
  };
}

export interface PastIncidentFixture {
  name: string;
  impact: 'none' | 'minor' | 'major' | 'critical';
  /** ISO times; `resolvedAt` null while unresolved. */
  startedAt: string;
  resolvedAt: string | null;
  components?: string[];
}

/** A Statuspage `incidents.json`, newest first as Statuspage lists them. */
export function incidentsDocument(incidents: PastIncidentFixture[]): unknown {
  return {
    page: PAGE,
    incidents: incidents
      .map((incident, index) => ({
        id: `past${index}k2m4n6`,
        name: incident.name,
        status: incident.resolvedAt ? 'resolved' : 'investigating',
        created_at: incident.startedAt,
        updated_at: incident.resolvedAt ?? incident.startedAt,
        monitoring_at: null,
        resolved_at: incident.resolvedAt,
        impact: incident.impact,
        shortlink: `https://stspg.io/past${index}`,
        started_at: incident.startedAt,
        page_id: PAGE.id,
        incident_updates: [{ id: `upd${index}`, status: 'investigating', body: 'We are investigating elevated errors.', created_at: incident.startedAt }],
        components: (incident.components ?? ['Claude API (api.anthropic.com)']).map((name, position) =>
          component(`cmp${index}${position}`, name, 'operational', position),
        ),
      }))
      .reverse(),
  };
}

function reply(answer: StatusPageAnswer, document: (answer: { summary: unknown }) => unknown): StandInReply {
  if (answer === 'hang') return 'hang';
  if (answer === 'not_json') return { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Status</html>' };
  if (answer === 'server_error') return { status: 503, body: '' };
  return { status: 200, body: JSON.stringify(document(answer)) };
}

/** Serves `summary.json` from `initial` and `incidents.json` from `incidents` (none unless given). */
export async function startStatusPageStandIn(
  initial: StatusPageAnswer,
  incidents: StatusPageAnswer = { summary: incidentsDocument([]) },
): Promise<StatusPageStandIn> {
  let answer = initial;
  let incidentsAnswer = incidents;
  const standIn = await startStandIn((request) =>
    request.url.startsWith('/api/v2/incidents.json') ? reply(incidentsAnswer, (a) => a.summary) : reply(answer, (a) => a.summary),
  );
  return {
    url: `${standIn.url}/api/v2/summary.json`,
    incidentsUrl: `${standIn.url}/api/v2/incidents.json`,
    requests: standIn.requests,
    close: standIn.close,
    get answer() {
      return answer;
    },
    set answer(next: StatusPageAnswer) {
      answer = next;
    },
    get incidentsAnswer() {
      return incidentsAnswer;
    },
    set incidentsAnswer(next: StatusPageAnswer) {
      incidentsAnswer = next;
    },
  };
}
