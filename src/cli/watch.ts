// `watch`: the editor's watch session in a terminal. People see its state changes ("retrying 529
// 3/10", "outage: 500 (2 failed requests after 3 retries) in 2 sessions", "recovered") at the time
// they happened; scripts get each new event as a JSON line.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { familyOf } from '../core/episodes';
import { toScanJson } from '../core/scan';
import { realSchedule } from '../core/events';
import { followTranscripts } from '../core/session/transcriptSource';
import { noticeMessage, toNoticeJson } from '../core/session/notices';
import { quoteForShell, resumeTargetFor } from '../core/session/resume';
import { DEFAULT_NOTIFY_AFTER_ATTEMPTS, DEFAULT_NOTIFY_AFTER_MS, WatchSession, type SessionNotice, type SessionSettings } from '../core/session/watchSession';
import { describeFailureClass, describeRequestCounts, shortWhat } from '../core/statusView';
import type { TrackerSnapshot } from '../core/tracker';
import { isFailureEvent, isRefusalEvent } from '../core/types';
import { DEFAULT_QUIET_PERIOD_MS } from '../core/episodes';
import { configDirsFor, ExitCode, parseFlags, runCommand, type CliIo } from './common';
import { cliTeamTelemetry, TELEMETRY_FLAGS, TELEMETRY_USAGE, telemetryConfigFromFlags } from './watchTelemetry';

export const WATCH_USAGE = `Usage: claude-api-watch watch [--config-dir DIR] [--json] [--metrics HOST:PORT] [--otlp-endpoint URL]

Follows Claude Code's transcripts as the editor does, until interrupted. Prints each change of
state (retrying, outage, recovered) and each notification the editor would show (Claude Code
gave up, its retries keep failing, a plan limit has reset, the API answers again after an
outage) with the time; with --json, each new API failure or retry as one JSON object per line
instead (the fields of 'scan --json'), and each notification as {"kind":"notice","reason":...}.

${TELEMETRY_USAGE}`;

export function runWatchCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  return runCommand('watch', WATCH_USAGE, io, () => watch(args, io, signal));
}

async function watch(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const flags = parseFlags(args, {
    'config-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    ...TELEMETRY_FLAGS,
  });
  if (flags.help) {
    io.stdout(WATCH_USAGE);
    return ExitCode.ok;
  }
  // Checked here as every command checks it (a blank flag is bad usage); the session resolves the same dirs.
  configDirsFor(flags['config-dir'], io.env);
  const telemetryConfig = telemetryConfigFromFlags(flags);
  const settings: SessionSettings = {
    configDir: flags['config-dir'] ?? '',
    scope: 'all',
    quietPeriodMs: DEFAULT_QUIET_PERIOD_MS,
    lookbackMs: 24 * 3_600_000,
    // The editor's defaults: the same notifications, printed.
    notify: 'onPersistentRetries',
    notifyBackToWork: true,
    notifyAfterAttempts: DEFAULT_NOTIFY_AFTER_ATTEMPTS,
    notifyAfterMs: DEFAULT_NOTIFY_AFTER_MS,
    showWhenHealthy: true,
    // A terminal tool sends nothing over the network unless asked (--anthropic-status, or `health`).
    anthropicStatusEnabled: flags['anthropic-status'],
    anthropicStatusUrl: '',
    healthBaseUrl: '',
  };
  let live = false;
  let lastLine = '';
  let missing: string | null = null;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  // Notices raised while the backlog is read come once it is, after the line that says watching began.
  let pendingNotices: SessionNotice[] = [];
  const printNotice = (notice: SessionNotice) => {
    const now = io.now();
    if (flags.json) {
      io.stdout(JSON.stringify(toNoticeJson(notice, now.getTime())));
      return;
    }
    const resume = notice.reason === 'limitReset' || notice.reason === 'backToWork' ? resumeTargetFor(notice.failure) : null;
    const hint = resume?.kind === 'terminal' ? ` — resume: ${resume.cwd ? `cd ${quoteForShell(resume.cwd, 'posix')} && ` : ''}${resume.commandLine}` : '';
    io.stdout(`${now.toISOString().slice(11, 19)}  notice: ${noticeMessage(notice)}${hint}`);
  };
  const log = { info: () => undefined, warn: (message: string) => io.stderr(`claude-api-watch: ${message}`), error: (message: string) => io.stderr(`claude-api-watch: ${message}`) };
  const telemetry = cliTeamTelemetry({ env: io.env, now: () => io.now().getTime(), schedule: realSchedule, log, quietPeriodMs: settings.quietPeriodMs });
  const session = new WatchSession({
    settings,
    env: io.env,
    homedir: io.env.HOME || os.homedir(),
    exists: fs.existsSync,
    now: () => io.now().getTime(),
    schedule: realSchedule,
    log,
    // The editor's source, teed: what was on disk at start is context (model, retry IDs), not news.
    source: telemetry.wrapSource((options) =>
      followTranscripts({
        ...options,
        onEvent: (event) => {
          // The failure first, then any notice it raises.
          if (live && flags.json && (isFailureEvent(event) || isRefusalEvent(event))) io.stdout(JSON.stringify(toScanJson(event)));
          options.onEvent(event);
        },
        onWatching: (watching) => {
          options.onWatching(watching);
          if (watching.phase === 'missing') {
            missing = watching.problem;
            stop();
          } else if (watching.phase === 'live' && !live) {
            live = true;
            // On stderr even with --json: it tells a person, or a script, that new lines will now be reported.
            io.stderr(`Watching ${watching.configDirs.join(', ')} — Ctrl-C to stop.`);
            const notices = pendingNotices;
            pendingNotices = [];
            notices.forEach(printNotice);
          }
        },
        log: { info: () => undefined, warn: options.log.warn, error: options.log.error },
      }),
    ),
  });
  session.onDidNotify((notice) => (live ? printNotice(notice) : pendingNotices.push(notice)));
  session.onDidChange((state) => telemetry.onState(state));
  session.onDidChange((state) => {
    if (!live || flags.json) return;
    const line = describeState(state.snapshot);
    if (line === lastLine) return;
    lastLine = line;
    io.stdout(`${new Date(changedAt(state.snapshot, io.now().getTime())).toISOString().slice(11, 19)}  ${line}`);
  });
  // The team view's ways out open before watching starts: a port in use is said now, not later.
  const started = await telemetry.configure(telemetryConfig);
  if (!started.ok) {
    session.dispose();
    io.stderr(`claude-api-watch: ${started.message}`);
    return ExitCode.failure;
  }
  if (started.prometheusUrl) io.stderr(`Serving metrics on ${started.prometheusUrl}`);
  signal.addEventListener('abort', () => stop(), { once: true });
  session.start();
  if (signal.aborted) stop();
  await stopped;
  session.dispose();
  await telemetry.shutdown();
  if (missing !== null) {
    io.stderr(`claude-api-watch: ${missing}`);
    return ExitCode.failure;
  }
  return ExitCode.ok;
}

/**
 * When the state changed: the time of the line that changed it (lines read in a burst, at start or
 * after a pause, each keep their own time), else now (a failure going quiet, the all-clear ending).
 */
export function changedAt(snapshot: TrackerSnapshot, now: number): number {
  if (snapshot.state === 'recovered' && snapshot.recoveredAt !== null) return snapshot.recoveredAt;
  if ((snapshot.state === 'failing' || snapshot.state === 'retrying') && snapshot.failureAt !== null) return snapshot.failureAt;
  return now;
}

/**
 * One line per state a user cares about: `retrying 529 3/10`, `outage: 500 (1 failed request
 * after 4 retries) in 2 sessions`, `failing (rate limited): 429 (1 failed request)`, `recovered`.
 * Requests and retries are counted apart; an outage is only Anthropic's side.
 */
export function describeState(snapshot: TrackerSnapshot): string {
  const failure = snapshot.failure;
  if (snapshot.state === 'healthy' || !failure) return 'healthy';
  if (snapshot.state === 'recovered') return 'recovered';
  const what = shortWhat(failure);
  const sessions = snapshot.affectedSessions.length;
  const where = sessions > 1 ? ` in ${sessions} sessions` : '';
  if (snapshot.state === 'retrying') {
    const attempt = snapshot.retry?.attempt;
    const max = snapshot.retry?.maxRetries;
    return `retrying ${what}${attempt != null ? ` ${attempt}${max != null ? `/${max}` : ''}` : ''}${where}`;
  }
  const counts = describeRequestCounts(snapshot.failedRequests, snapshot.retries);
  const kind = familyOf(failure.failureClass) === 'anthropic' ? 'outage' : `failing (${describeFailureClass(failure.failureClass)})`;
  return `${kind}: ${what}${counts ? ` (${counts})` : ''}${where}`;
}
