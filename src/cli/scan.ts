// `scan`: every failure and retry found, as a table or as JSON lines.
import { describeUnknownShapes, FormatCanary, type CanarySnapshot } from '../core/canary';
import { baseName } from '../core/paths';
import { describePlanLimit } from '../core/planLimit';
import { toScanJson, toUnknownShapeJson, type ScannedEvent } from '../core/scan';
import { displayText } from '../core/text/sanitize';
import { configDirsFor, ExitCode, parseFlags, runCommand, scanOrExplain, sinceFlag, type CliIo, PERIOD_FLAGS } from './common';

export const SCAN_USAGE = `Usage: claude-api-watch scan [--config-dir DIR] [--since all|ISO|30m|24h|7d] [--json]

Every API failure and retry in Claude Code's transcripts (default: the last 24h).`;

export function runScanCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand('scan', SCAN_USAGE, io, () => scan(args, io));
}

async function scan(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, PERIOD_FLAGS);
  if (flags.help) {
    io.stdout(SCAN_USAGE);
    return ExitCode.ok;
  }
  const sinceMs = sinceFlag(flags.since, io.now().getTime());

  const configDirs = configDirsFor(flags['config-dir'], io.env);
  const canary = new FormatCanary();
  const events = await scanOrExplain(configDirs, sinceMs, io, canary, true);
  if (!events) return ExitCode.failure;

  const seen = canary.snapshot();
  if (flags.json) {
    // Events, then one `unknownShape` line per error-line shape this release cannot read.
    // One write: a large scan printed line by line would spend its time in stdout calls.
    const lines = [...events.map((e) => toScanJson(e)), ...seen.shapes.map(toUnknownShapeJson)].map((record) => JSON.stringify(record));
    if (lines.length > 0) io.stdout(lines.join('\n'));
  } else {
    io.stdout(formatTable(events, flags.since ?? '24h', io.now()));
  }
  // On stderr in both modes, for the person reading.
  for (const line of canaryNotes(seen)) io.stderr(line);
  return ExitCode.ok;
}

/** What the canary saw that a user should know: lines this release cannot read, a newer Claude Code. */
export function canaryNotes(snapshot: CanarySnapshot): string[] {
  const notes: string[] = [];
  const unknown = describeUnknownShapes(snapshot);
  if (!unknown) return notes;
  notes.push(`claude-api-watch: ${unknown}; 'claude-api-watch doctor' shows their key skeletons.`);
  if (snapshot.newerThanKnown.length > 0) {
    notes.push(
      `claude-api-watch: transcripts from Claude Code ${snapshot.newerThanKnown[0]}, newer than ${snapshot.newestKnownVersion}, the newest this release knows.`,
    );
  }
  return notes;
}

const COLUMNS = ['TIME (UTC)', 'KIND', 'STATUS', 'CLASS', 'REQUEST ID', 'PROJECT', 'MESSAGE'] as const;

function formatTable(events: ScannedEvent[], since: string, now: Date): string {
  const window = since === 'all' ? 'in all transcripts' : `since ${since}`;
  if (events.length === 0) return `No API failures or retries ${window}.`;
  const rows = events.map((event) => rowCells(event, now).map((cell) => displayText(cell)));
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const render = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const failures = events.filter((e) => e.kind === 'failure').length;
  const refusals = events.filter((e) => e.kind === 'refusal').length;
  const retries = events.length - failures - refusals;
  const sessions = new Set(events.filter((e) => e.kind !== 'refusal').map((e) => e.sessionId ?? e.file)).size;
  // Refusals are the model declining, not the API failing: said apart, after the count.
  const declined = refusals > 0 ? ` ${refusals} refusal${refusals === 1 ? '' : 's'} (the model declined; not API failures).` : '';
  const summary = `${failures} failure${failures === 1 ? '' : 's'}, ${retries} retr${retries === 1 ? 'y' : 'ies'} in ${sessions} session${sessions === 1 ? '' : 's'} ${window}.${declined}`;
  return [render(COLUMNS), ...rows.map(render), '', summary].join('\n');
}

function rowCells(event: ScannedEvent, now: Date): string[] {
  // A window read from the wording only (no quotaLimits) adds nothing to the wording itself.
  const limit = event.resetsAt || (event.limitWindow && !event.wording) ? ` · ${describePlanLimit(event, now)}` : '';
  const kind = event.kind === 'retry' ? `retry ${event.attempt ?? '?'}/${event.maxRetries ?? '?'}` : event.kind;
  return [
    (event.timestamp ?? '').replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
    kind,
    event.status === null ? '-' : String(event.status),
    event.failureClass,
    event.requestId ?? '-',
    (event.cwd && baseName(event.cwd)) || '-',
    // The limit Claude Code recorded (quotaLimits), else its whole wording where it says more: a
    // limit's reset time, the rate limit a 429 exceeded.
    limit ? event.message + limit : (event.wording ?? event.message),
  ];
}
