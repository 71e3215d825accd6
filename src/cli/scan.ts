// `scan` and `watch`: every failure and retry found, as a table or as JSON lines.
import { parseArgs } from 'node:util';
import { describeUnknownShapes, FormatCanary, type CanarySnapshot } from '../core/canary';
import { TranscriptEventReader } from '../core/eventReader';
import { ConfigDirError } from '../core/files/discover';
import { TranscriptWatcher } from '../core/files/watcher';
import { baseName } from '../core/paths';
import { describePlanLimit } from '../core/planLimit';
import { parseSince, toScanJson } from '../core/scan';
import type { ApiFailureEvent } from '../core/types';
import { configDirsFor, ExitCode, scanOrExplain, UsageError, type CliIo } from './common';

export const SCAN_USAGE = `Usage: claude-api-watch scan [--config-dir DIR] [--since all|ISO|30m|24h|7d] [--json]

Every API failure and retry in Claude Code's transcripts (default: the last 24h).`;

export const WATCH_USAGE = `Usage: claude-api-watch watch [--config-dir DIR] [--json]

Prints each new API failure or retry as Claude Code writes it, until interrupted.`;

function parseFlags(args: string[], withSince: boolean) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        'config-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...(withSince ? { since: { type: 'string', default: '24h' } } : {}),
      },
    }).values as { 'config-dir'?: string; json: boolean; help: boolean; since?: string };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function runScanCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, true);
  if (flags.help) {
    io.stdout(SCAN_USAGE);
    return ExitCode.ok;
  }
  let sinceMs: number | null;
  try {
    sinceMs = parseSince(flags.since ?? '24h', io.now().getTime());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const configDirs = configDirsFor(flags['config-dir'], io.env);
  const canary = new FormatCanary();
  const events = await scanOrExplain(configDirs, sinceMs, io, canary);
  if (!events) return ExitCode.failure;

  if (flags.json) {
    // One write: a large scan printed line by line would spend its time in stdout calls.
    if (events.length > 0) io.stdout(events.map((e) => JSON.stringify(toScanJson(e))).join('\n'));
  } else {
    io.stdout(formatTable(events, flags.since ?? '24h', io.now()));
  }
  // On stderr in both modes: stdout stays one event per line for scripts.
  for (const line of canaryNotes(canary.snapshot())) io.stderr(line);
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

export async function runWatchCommand(args: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const flags = parseFlags(args, false);
  if (flags.help) {
    io.stdout(WATCH_USAGE);
    return ExitCode.ok;
  }
  const configDirs = configDirsFor(flags['config-dir'], io.env);
  let live = false;
  const reader = new TranscriptEventReader((event) => {
    // What was already on disk at start gives context (model, retry IDs) but is not news.
    if (!live || event.kind === 'success') return;
    io.stdout(flags.json ? JSON.stringify(toScanJson(event)) : formatRow(event));
  });
  const watcher = new TranscriptWatcher(configDirs, {
    onLine: (file, line, lineNumber, byteOffset) => reader.acceptLine(file, line, lineNumber, byteOffset),
    onBatchEnd: (file, endOffset, nextLineNumber) => reader.flush(file, endOffset, nextLineNumber),
    onFileGone: (file) => reader.forget(file),
    onProblem: (file, error) => io.stderr(`claude-api-watch: cannot read ${file}: ${error.message}`),
  });
  try {
    await watcher.start();
  } catch (error) {
    watcher.dispose();
    if (error instanceof ConfigDirError) {
      io.stderr(`claude-api-watch: ${error.message}`);
      return ExitCode.failure;
    }
    throw error;
  }
  live = true;
  // On stderr even with --json: it tells a person, or a script, that new lines will now be reported.
  io.stderr(`Watching ${configDirs.join(', ')} — Ctrl-C to stop.`);
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  watcher.dispose();
  return ExitCode.ok;
}

const COLUMNS = ['TIME (UTC)', 'KIND', 'STATUS', 'CLASS', 'REQUEST ID', 'PROJECT', 'MESSAGE'] as const;

function formatTable(events: ApiFailureEvent[], since: string, now: Date): string {
  const window = since === 'all' ? 'in all transcripts' : `since ${since}`;
  if (events.length === 0) return `No API failures or retries ${window}.`;
  const rows = events.map((event) => rowCells(event, now));
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const render = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const failures = events.filter((e) => e.kind === 'failure').length;
  const sessions = new Set(events.map((e) => e.sessionId ?? e.file)).size;
  const summary = `${failures} failure${failures === 1 ? '' : 's'}, ${events.length - failures} retr${events.length - failures === 1 ? 'y' : 'ies'} in ${sessions} session${sessions === 1 ? '' : 's'} ${window}.`;
  return [render(COLUMNS), ...rows.map(render), '', summary].join('\n');
}

function formatRow(event: ApiFailureEvent): string {
  return rowCells(event, new Date()).join('  ');
}

function rowCells(event: ApiFailureEvent, now: Date): string[] {
  const limit = event.resetsAt || event.limitWindow ? ` · ${describePlanLimit(event, now)}` : '';
  const kind = event.kind === 'retry' ? `retry ${event.attempt ?? '?'}/${event.maxRetries ?? '?'}` : 'failure';
  return [
    (event.timestamp ?? '').replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
    kind,
    event.status === null ? '-' : String(event.status),
    event.failureClass,
    event.requestId ?? '-',
    (event.cwd && baseName(event.cwd)) || '-',
    event.message + limit,
  ];
}
