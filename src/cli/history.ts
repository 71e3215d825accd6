// `claude-api-watch history`: failures and retries per hour or day, then the episodes, matched
// against Anthropic's incident history. `--json` prints `HistoryJson` (see the README).
import { DEFAULT_QUIET_PERIOD_MS } from '../core/episodes';
import { incidentsOf, type IncidentHistory } from '../core/health/incidents';
import { buildHistory, historyToJson, incidentMatters, summarizeHistory, type ClassCounts, type History, type HistoryEpisode } from '../core/history/history';
import { checkTimeZone, formatDuration, formatLocal, localTimeZone, type BucketSize } from '../core/history/time';
import { parseSince } from '../core/scan';
import { FAILURE_CLASSES, type ApiFailureEvent } from '../core/types';
import { type CliIo, configDirsFor, ExitCode, parseFlags, scanOrExplain, UsageError, runCommand } from './common';
import { askIncidents, STATUS_FLAGS, STATUS_FLAGS_USAGE, statusUrlFrom } from './incidents';

export const HISTORY_USAGE = `Usage: claude-api-watch history [--config-dir DIR] [--since 24h|7d|30d|all|ISO] [--bucket hour|day]
                               [--quiet-minutes N] [--status-url URL | --no-status] [--json]

Failures and retries per hour or day (local time), then each episode (a run of failures of one
kind less than the quiet period apart) with the Anthropic incident it overlaps, if any.

  --since WHEN         24h, 7d, 30d, all, or an ISO time (default: 7d)
  --bucket hour|day    bar size (default: hour up to 48h, else day)
  --quiet-minutes N    gap that ends an episode (default: ${DEFAULT_QUIET_PERIOD_MS / 60_000})
${STATUS_FLAGS_USAGE}
  --json               one object: since, until, bucket, totals, buckets, episodes`;

interface HistoryPlan {
  configDir: string | undefined;
  sinceMs: number | null;
  since: string;
  untilMs: number;
  bucket: BucketSize;
  quietPeriodMs: number;
  statusUrl: string | null;
  json: boolean;
}

function planFrom(args: string[], now: number): HistoryPlan | 'help' {
  const values: Record<string, string | boolean | undefined> = parseFlags(args, {
    'config-dir': { type: 'string' },
    since: { type: 'string', default: '7d' },
    bucket: { type: 'string' },
    'quiet-minutes': { type: 'string' },
    ...STATUS_FLAGS,
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  const since = String(values.since);
  let sinceMs: number | null;
  try {
    sinceMs = parseSince(since, now);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (sinceMs !== null && sinceMs > now) throw new UsageError(`--since is in the future: ${since}`);
  const bucketFlag = values.bucket as string | undefined;
  if (bucketFlag !== undefined && bucketFlag !== 'hour' && bucketFlag !== 'day') {
    throw new UsageError(`--bucket takes 'hour' or 'day', got '${bucketFlag}'`);
  }
  const bucket: BucketSize = bucketFlag ?? (sinceMs !== null && now - sinceMs <= 48 * 3_600_000 ? 'hour' : 'day');
  let quietPeriodMs = DEFAULT_QUIET_PERIOD_MS;
  const quiet = values['quiet-minutes'] as string | undefined;
  if (quiet !== undefined) {
    const minutes = /^\d+$/.test(quiet) ? Number(quiet) : NaN;
    if (!(minutes >= 1 && minutes <= 1440)) throw new UsageError(`--quiet-minutes takes 1 to 1440, got '${quiet}'`);
    quietPeriodMs = minutes * 60_000;
  }
  const statusUrl = statusUrlFrom(values);
  return {
    configDir: values['config-dir'] as string | undefined,
    sinceMs,
    since,
    untilMs: now,
    bucket,
    quietPeriodMs,
    statusUrl,
    json: Boolean(values.json),
  };
}

export function runHistoryCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand('history', HISTORY_USAGE, io, () => historyCommand(args, io));
}

async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const plan = planFrom(args, io.now().getTime());
  if (plan === 'help') {
    io.stdout(HISTORY_USAGE);
    return ExitCode.ok;
  }
  const configDirs = configDirsFor(plan.configDir, io.env);
  const events = await scanOrExplain(configDirs, plan.sinceMs, io);
  if (!events) return ExitCode.failure;
  return printHistory(events, plan, configDirs, io);
}

async function printHistory(events: ApiFailureEvent[], plan: HistoryPlan, configDirs: string[], io: CliIo): Promise<number> {
  const incidents = await askIncidents('history', plan.statusUrl, configDirs, io, plan.json);
  const timeZone = io.env.TZ && isZone(io.env.TZ) ? io.env.TZ : localTimeZone();
  const history = buildHistory(events, {
    sinceMs: plan.sinceMs,
    untilMs: plan.untilMs,
    bucket: plan.bucket,
    timeZone,
    quietPeriodMs: plan.quietPeriodMs,
    incidents: incidentsOf(incidents),
  });
  io.stdout(plan.json ? JSON.stringify(historyToJson(history), null, 2) : formatHistory(history, plan.since, incidents));
  return ExitCode.ok;
}

function isZone(zone: string): boolean {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

const BAR_WIDTH = 30;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function formatClassCounts(counts: ClassCounts): string {
  return FAILURE_CLASSES.filter((c) => counts[c]).map((c) => `${c} ${counts[c]}`).join(', ');
}

function formatHistory(history: History, since: string, incidents: IncidentHistory | null): string {
  const zone = history.timeZone;
  const summary = summarizeHistory(history);
  const window = since === 'all' ? 'in all transcripts' : `since ${since}`;
  const lines = [
    `Claude API history ${window}, by ${history.bucket} (${zone}): ${plural(summary.failures, 'failure', 'failures')}, ` +
      `${plural(summary.retries, 'retry', 'retries')}, ${plural(history.episodes.length, 'episode', 'episodes')}.`,
  ];
  if (history.buckets.length > 0) {
    const most = Math.max(1, ...history.buckets.map((b) => total(b.failures) + b.retries));
    lines.push('', `${history.bucket === 'hour' ? 'HOUR' : 'DAY'} (local)`.padEnd(history.bucket === 'hour' ? 17 : 11) + '  ' + 'BAR (█ failure, ░ retry)'.padEnd(BAR_WIDTH) + '  FAILURES  RETRIES');
    for (const bucket of history.buckets) {
      const failures = total(bucket.failures);
      const failureCells = failures ? Math.max(1, Math.round((failures / most) * BAR_WIDTH)) : 0;
      const retryCells = bucket.retries ? Math.max(1, Math.round((bucket.retries / most) * BAR_WIDTH)) : 0;
      const bar = ('█'.repeat(failureCells) + '░'.repeat(retryCells)).slice(0, BAR_WIDTH + 1).padEnd(BAR_WIDTH);
      const label = history.bucket === 'hour' ? formatLocal(bucket.startAt, zone) : formatLocal(bucket.startAt, zone).slice(0, 10);
      const classes = formatClassCounts(bucket.failures);
      lines.push(`${label}  ${bar}  ${String(failures).padStart(8)}  ${String(bucket.retries).padStart(7)}${classes ? `  ${classes}` : ''}`);
    }
  }
  if (history.episodes.length > 0) {
    lines.push('', 'Episodes, oldest first:');
    for (const episode of history.episodes) lines.push(...formatEpisode(episode, zone, incidents?.kind === 'reported'));
  }
  if (summary.outages > 0 && incidents?.kind === 'reported') {
    lines.push('', `Anthropic's status page reported an incident during ${summary.outagesWithIncident} of ${plural(summary.outages, 'outage', 'outages')}.`);
  }
  return lines.join('\n');
}

function total(counts: ClassCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}

function formatEpisode(episode: HistoryEpisode, zone: string, statusAsked: boolean): string[] {
  const utc = new Date(episode.startAt).toISOString().slice(11, 16);
  const statuses = Object.entries(episode.statuses).map(([status, n]) => `${status}×${n}`).join(' ');
  const lines = [
    `- ${formatLocal(episode.startAt, zone)} (${utc} UTC), ${formatDuration(episode.endAt - episode.startAt)}: ${episode.family}, ` +
      `${plural(episode.failures, 'failure', 'failures')}, ${plural(episode.retries, 'retry', 'retries')}, ` +
      `${plural(episode.sessions, 'session', 'sessions')}; ${formatClassCounts(episode.classes)}${statuses ? `; ${statuses}` : ''}`,
  ];
  if (episode.versions.length) lines.push(`    Claude Code ${episode.versions.join(', ')}`);
  if (episode.requestIds.length) lines.push(`    request IDs ${episode.requestIds.join(' ')}`);
  if (episode.incident) {
    lines.push(`    Anthropic incident: ${episode.incident.name} (${episode.incident.impact})${episode.incident.url ? ` ${episode.incident.url}` : ''}`);
  } else if (statusAsked && incidentMatters(episode.family)) {
    lines.push('    not on the status page');
  }
  return lines;
}
