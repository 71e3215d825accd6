// `report`: the bug report for one failure and its outage, as Markdown, a GitHub issue URL or JSON.
import { gatherEnvironment } from '../core/report/environment';
import { buildIssueSearchUrl, buildIssueUrl } from '../core/report/issueUrl';
import { episodeAround } from '../core/episodes';
import { incidentLineForOutage } from '../core/health/incidents';
import { buildBugReport } from '../core/report/report';
import { parseSince } from '../core/scan';
import type { ApiFailureEvent } from '../core/types';
import { configDirsFor, ExitCode, parseFlags, runCommand, scanOrExplain, UsageError, type CliIo } from './common';
import { askIncidents, STATUS_FLAGS, STATUS_FLAGS_USAGE, statusUrlFrom } from './incidents';

export const REPORT_USAGE = `Usage: claude-api-watch report [--config-dir DIR] [--request-id ID | --latest]
                              [--since all|ISO|30m|24h|7d] [--format markdown|url|json]
                              [--status-url URL | --no-status]

A complete bug report for one API failure and the outage around it, redacted, with the
Anthropic incident the outage overlaps (or that the status page had none).
  --request-id ID      the failure (or retry) with this request ID
  --latest             the latest final failure, else the latest retry (the default)
  --since              how far back to look (default: all)
  --format             markdown (default), url (a pre-filled GitHub issue), json
${STATUS_FLAGS_USAGE}`;

const FORMATS = ['markdown', 'url', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface ReportFlags {
  configDir?: string;
  requestId?: string;
  since: string;
  format: Format;
  statusUrl: string | null;
  help: boolean;
}

export function runReportCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand('report', REPORT_USAGE, io, () => reportCommand(args, io));
}

async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseReportFlags(args);
  if (flags.help) {
    io.stdout(REPORT_USAGE);
    return ExitCode.ok;
  }
  const now = io.now();
  let sinceMs: number | null;
  try {
    sinceMs = parseSince(flags.since, now.getTime());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const configDirs = configDirsFor(flags.configDir, io.env);
  const events = await scanOrExplain(configDirs, sinceMs, io);
  if (!events) return ExitCode.failure;

  const window = flags.since === 'all' ? 'in any transcript' : `since ${flags.since}`;
  const chosen = flags.requestId ? findByRequestId(events, flags.requestId) : latestFailure(events);
  if (!chosen) {
    io.stderr(
      flags.requestId
        ? `claude-api-watch report: no API failure or retry with request ID ${flags.requestId} ${window} in ${configDirs.join(', ')}.`
        : `claude-api-watch report: no API failure or retry ${window} in ${configDirs.join(', ')}: nothing to report.`,
    );
    return ExitCode.failure;
  }

  const environment = await gatherEnvironment({ env: io.env, configDirs, failureFile: chosen.file, entrypoint: chosen.entrypoint });
  const outage = episodeAround(events, chosen);
  const incidents = await askIncidents('report', flags.statusUrl, configDirs, io, true);
  const incident = incidents?.kind === 'reported' ? incidentLineForOutage(outage, incidents.incidents, now.getTime()) : null;
  const report = await buildBugReport({
    events: outage,
    chosen,
    environment,
    anthropicIncident: incident === null ? null : { summary: incident },
    now,
    timeZone: io.env.TZ || undefined,
  });

  if (flags.format === 'markdown') {
    io.stdout(report.markdown.trimEnd());
  } else if (flags.format === 'url') {
    const { url, trimmed } = buildIssueUrl(report);
    io.stdout(url);
    if (trimmed) io.stderr('The URL was trimmed to fit GitHub\'s limit; --format markdown prints the full report.');
  } else {
    const issue = buildIssueUrl(report);
    io.stdout(
      JSON.stringify(
        { ...report, issueUrl: issue.url, issueUrlTrimmed: issue.trimmed, searchUrl: buildIssueSearchUrl(report) },
        null,
        2,
      ),
    );
  }
  return ExitCode.ok;
}

function parseReportFlags(args: string[]): ReportFlags {
  const values = parseFlags(args, {
    'config-dir': { type: 'string' },
    'request-id': { type: 'string' },
    latest: { type: 'boolean', default: false },
    since: { type: 'string', default: 'all' },
    format: { type: 'string', default: 'markdown' },
    ...STATUS_FLAGS,
    help: { type: 'boolean', short: 'h', default: false },
  });
  const requestId = values['request-id']?.trim();
  if (values['request-id'] !== undefined && !requestId) throw new UsageError('--request-id needs a request ID');
  if (requestId && values.latest) throw new UsageError('use either --request-id or --latest, not both');
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --format '${format}' (use ${FORMATS.join(', ')})`);
  }
  return {
    configDir: values['config-dir'],
    requestId,
    since: values.since as string,
    format: format as Format,
    statusUrl: statusUrlFrom(values),
    help: values.help === true,
  };
}

/** The event a request ID names: a final failure carrying it (it has its retries' IDs) before a retry. */
function findByRequestId(events: ApiFailureEvent[], requestId: string): ApiFailureEvent | null {
  const matching = events.filter((event) => event.requestId === requestId || event.requestIds.includes(requestId));
  return matching.find((event) => event.kind === 'failure') ?? matching[0] ?? null;
}

/** The latest final failure; when Claude Code is still retrying everywhere, the latest retry. */
function latestFailure(events: ApiFailureEvent[]): ApiFailureEvent | null {
  let latestFinal: ApiFailureEvent | null = null;
  let latestAny: ApiFailureEvent | null = null;
  for (const event of events) {
    if (isLater(event, latestAny)) latestAny = event;
    if (event.kind === 'failure' && isLater(event, latestFinal)) latestFinal = event;
  }
  return latestFinal ?? latestAny;
}

/** Later by timestamp; an event without one never beats one with. Ties go to the later-read event. */
function isLater(event: ApiFailureEvent, than: ApiFailureEvent | null): boolean {
  if (!than) return true;
  const time = Date.parse(event.timestamp ?? '');
  const thanTime = Date.parse(than.timestamp ?? '');
  if (Number.isNaN(time)) return Number.isNaN(thanTime);
  return Number.isNaN(thanTime) || time >= thanTime;
}
