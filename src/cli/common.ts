// What every CLI command shares: its I/O, the config dir flags and the exit codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FormatCanary } from '../core/canary';
import { resolveConfigDirs } from '../core/files/configDir';
import { ConfigDirError, SKIPPED_ON_PURPOSE, type SkippedEntry } from '../core/files/discover';
import { displayPath } from '../core/files/fsPath';
import { parseSince, scanConfigDirs, scanConfigDirsWithRefusals, type ScannedEvent } from '../core/scan';
import type { ApiFailureEvent } from '../core/types';
import { escapeJsonText } from '../core/text/sanitize';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
}

export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * What the CLI writes, as it reaches a terminal: every character that would act instead of showing
 * (ESC and the other C0 and C1 controls, bidi controls, invisible characters), from transcript text
 * or a file name, written as a visible `\uXXXX` escape. A newline and a tab stay. JSON output keeps
 * its value (the escape is JSON's own, and such characters only occur inside its strings); a table
 * or a path shows where something was, and a terminal runs no OSC 8 link, OSC 52 clipboard write or
 * CSI sequence of a transcript's.
 */
export function terminalText(text: string): string {
  return escapeJsonText(text);
}

/** Thrown for bad flags: `runCommand` prints the message and the command's usage and exits 2. */
export class UsageError extends Error {}

/**
 * The one way every command ends: its result, 2 with the usage for a `UsageError`, 1 with one
 * line for anything else (a tool failure, not a finding).
 */
export async function runCommand(name: string, usage: string, io: Pick<CliIo, 'stderr'>, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`claude-api-watch ${name}: ${error.message}\n\n${usage}`);
      return ExitCode.usage;
    }
    io.stderr(`claude-api-watch ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.failure;
  }
}

/** `parseArgs`, strict and without positionals, its complaints turned into `UsageError`s. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The flags of the commands that read a period of transcripts (`scan`, `doctor`). */
export const PERIOD_FLAGS = {
  'config-dir': { type: 'string' },
  since: { type: 'string', default: '24h' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** `--since` as an epoch-ms bound (null for `all`); a value `parseSince` rejects is bad usage. */
export function sinceFlag(value: string, now: number): number | null {
  try {
    return parseSince(value, now);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `--config-dir` > `CLAUDE_CONFIG_DIR` > `~/.claude`, plus the legacy XDG dir when it exists. */
export function configDirsFor(explicit: string | undefined, env: Record<string, string | undefined>): string[] {
  // A blank flag is a mistake (an unset variable in a script), not a request for the default.
  if (explicit !== undefined && explicit.trim() === '') throw new UsageError('--config-dir needs a directory, got an empty value');
  return resolveConfigDirs({ explicit: explicit ?? null, env, homedir: env.HOME || os.homedir(), exists: fs.existsSync });
}

/**
 * Every failure and retry since `sinceMs`, or null after saying why the config dir cannot be read.
 * Entries that could not be read are named on stderr with their count.
 */
export async function scanOrExplain(configDirs: string[], sinceMs: number | null, io: CliIo, canary?: FormatCanary): Promise<ApiFailureEvent[] | null>;
/** The same with the refusals (the model declined: never failures), for `scan`'s list. */
export async function scanOrExplain(configDirs: string[], sinceMs: number | null, io: CliIo, canary: FormatCanary | undefined, withRefusals: true): Promise<ScannedEvent[] | null>;
export async function scanOrExplain(
  configDirs: string[],
  sinceMs: number | null,
  io: CliIo,
  canary?: FormatCanary,
  withRefusals = false,
): Promise<ScannedEvent[] | null> {
  const skipped: SkippedEntry[] = [];
  try {
    const events = await (withRefusals ? scanConfigDirsWithRefusals : scanConfigDirs)({ configDirs, sinceMs, canary, onSkipped: (entry) => skipped.push(entry) });
    if (skipped.length > 0) io.stderr(describeSkipped(skipped));
    return events;
  } catch (error) {
    if (!(error instanceof ConfigDirError)) throw error;
    io.stderr(`claude-api-watch: ${error.message}`);
    return null;
  }
}

/** Named in full up to this many; the rest counted. */
const SKIPPED_LISTED = 50;

function describeSkipped(skipped: SkippedEntry[]): string {
  // Entries skipped on purpose (a link back to a folder, a second path to one, a folder too deep) are
  // not unreadable: said apart, under their own heading.
  const unreadable = skipped.filter((entry) => !SKIPPED_ON_PURPOSE.has(entry.code));
  const onPurpose = skipped.filter((entry) => SKIPPED_ON_PURPOSE.has(entry.code));
  const out: string[] = [];
  for (const [entries, why] of [
    [unreadable, 'that cannot be read'],
    [onPurpose, 'on purpose (read through another path, or too deep)'],
  ] as const) {
    if (entries.length === 0) continue;
    const lines = entries.slice(0, SKIPPED_LISTED).map((entry) => `  ${displayPath(entry.path)}: ${entry.reason} (${entry.code})`);
    if (entries.length > SKIPPED_LISTED) lines.push(`  ... and ${entries.length - SKIPPED_LISTED} more`);
    const count = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`;
    out.push(`claude-api-watch: skipped ${count} ${why}:`, ...lines);
  }
  return out.join('\n');
}
