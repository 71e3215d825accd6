// Finding transcripts: every `*.jsonl` under `<configDir>/projects/`, in every layout Claude Code
// has used: `<project>/<session>.jsonl`, `<project>/agent-<id>.jsonl` (2.0.x) and
// `<project>/<session>/subagents/agent-<id>.jsonl` (2.1.2+).
import type { Dirent, Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fileKind, NotRegularFileError } from './regularFile';

export interface TranscriptFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * An entry under the config dir that discovery or reading could not use (a symlink loop, a FIFO, a
 * folder that cannot be entered, ...). It is named once and skipped; everything else goes on.
 */
export interface SkippedEntry {
  path: string;
  /**
   * The errno code (`ELOOP`, `EACCES`, `EPERM`, `ENOTDIR`, `EIO`, ...); `ENOTREG` for a FIFO,
   * socket, device or folder where a transcript was expected; `ENOENT` for a dangling symbolic link.
   */
  code: string;
  /** What is wrong, for people: 'a symbolic link loop', 'a FIFO, not a regular file', ... */
  reason: string;
}

/** The skipped entry for `entryPath` from the error that made it unusable. */
export function skippedEntryOf(entryPath: string, error: unknown): SkippedEntry {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  if (error instanceof NotRegularFileError) return { path: entryPath, code, reason: `${error.kind}, not a regular file` };
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return { path: entryPath, code, reason };
}

/** A skipped entry as the `Error` the `onProblem` hooks take (its `code` kept). */
export function skippedEntryError(entry: SkippedEntry): Error {
  return Object.assign(new Error(`${entry.reason} (${entry.code})`), { code: entry.code });
}

const REASONS: Readonly<Record<string, string>> = {
  ELOOP: 'a symbolic link loop',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a folder',
  EIO: 'an I/O error',
  ENAMETOOLONG: 'the name is too long',
  ENOENT: 'a symbolic link to nothing',
  ENXIO: 'a device or socket that cannot be opened',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

export type ConfigDirProblem = 'missing' | 'not-a-directory' | 'unreadable';

/** A config dir (or its `projects` dir) that exists but cannot be read, or does not exist at all. */
export class ConfigDirError extends Error {
  constructor(
    readonly configDir: string,
    readonly problem: ConfigDirProblem,
    options?: { cause?: unknown },
  ) {
    super(describeProblem(configDir, problem, options?.cause), options);
    this.name = 'ConfigDirError';
  }
}

/** Directory levels searched below `projects/`: `<project>/<session>/subagents/` is 3; one spare. */
export const MAX_PROJECT_DEPTH = 4;
/** The walk blocks the event loop for at most this many stats at a time. */
const STATS_PER_YIELD = 256;

export interface ProjectsTree {
  files: TranscriptFile[];
  /** Entries that could not be used, each named once per walk. */
  skipped: SkippedEntry[];
  /** Every directory walked, `projects` itself included, with its depth below it (0). */
  dirs: ProjectsDir[];
}

export interface ProjectsDir {
  path: string;
  depth: number;
  mtimeMs: number;
}

/**
 * Every transcript under the config dirs, oldest modification first. A config dir without a
 * `projects` dir yields none. Throws `ConfigDirError` when a config dir is missing or unreadable
 * (or its `projects` dir is unreadable): the caller can tell that from "no transcripts yet".
 * Entries below `projects` that cannot be used go to `onSkipped` and are otherwise left out.
 */
export async function listTranscriptFiles(
  configDirs: string[],
  options: { modifiedSinceMs?: number; onSkipped?: (entry: SkippedEntry) => void } = {},
): Promise<TranscriptFile[]> {
  const since = options.modifiedSinceMs ?? Number.NEGATIVE_INFINITY;
  const found = new Map<string, TranscriptFile>();
  const seen = new Set<string>();
  for (const configDir of configDirs) {
    await checkConfigDir(configDir);
    const tree = await walkProjectsDir(path.join(configDir, 'projects'), configDir, seen);
    for (const file of tree?.files ?? []) {
      if (file.mtimeMs >= since) found.set(file.path, file);
    }
    for (const entry of tree?.skipped ?? []) options.onSkipped?.(entry);
  }
  return [...found.values()].sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Throws `ConfigDirError` unless `configDir` is a directory that can be listed. */
export async function checkConfigDir(configDir: string): Promise<void> {
  try {
    await readdir(configDir);
  } catch (error) {
    throw new ConfigDirError(configDir, problemOf(error), { cause: error });
  }
}

/**
 * Walks `projectsDir` to `MAX_PROJECT_DEPTH`, following symlinks but never into a directory it
 * has already walked (so a directory cycle ends). Null when `projectsDir` does not exist. An entry
 * that cannot be used (a symlink loop or a dangling link named `*.jsonl`, a FIFO or socket named so,
 * a folder that cannot be listed or entered, an I/O error) goes to `skipped` and the walk goes on;
 * only an unreadable `projectsDir` throws, `ConfigDirError` for `configDir`.
 * Files reached twice (through a link) are listed once, under the first path found; pass the same
 * `seen` set to several walks to extend that across them.
 */
export async function walkProjectsDir(
  projectsDir: string,
  configDir: string,
  seen = new Set<string>(),
): Promise<ProjectsTree | null> {
  let rootStats: Stats;
  try {
    rootStats = await stat(projectsDir);
  } catch (error) {
    if (problemOf(error) === 'missing') return null;
    throw new ConfigDirError(configDir, 'unreadable', { cause: error });
  }
  if (!rootStats.isDirectory()) throw new ConfigDirError(configDir, 'unreadable', { cause: new Error(`${projectsDir} is not a directory`) });

  const tree: ProjectsTree = { files: [], skipped: [], dirs: [] };
  if (seen.has(identity(rootStats))) return tree;
  seen.add(identity(rootStats));
  // Blocking calls, yielding every few hundred: thousands of small async stats cost several
  // times the CPU (a thread-pool round trip and a promise each) for no gain here. None of them
  // opens anything, so no entry can block.
  let sinceYield = 0;
  const pending: ProjectsDir[] = [{ path: projectsDir, depth: 0, mtimeMs: rootStats.mtimeMs }];
  for (let dir = pending.shift(); dir !== undefined; dir = pending.shift()) {
    tree.dirs.push(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir.path, { withFileTypes: true });
    } catch (error) {
      if (dir.depth === 0) throw new ConfigDirError(configDir, 'unreadable', { cause: error });
      // Vanished meanwhile: nothing to say. Anything else (EACCES, EIO, ...) is named.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') tree.skipped.push(skippedEntryOf(dir.path, error));
      continue;
    }
    // A name from readdir holds no separator: a plain concatenation is path.join's result, for less.
    const prefix = dir.path.endsWith(path.sep) ? dir.path : dir.path + path.sep;
    for (const entry of entries) {
      const isTranscript = entry.name.endsWith('.jsonl');
      const full = prefix + entry.name;
      if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice()) {
        if (isTranscript) tree.skipped.push({ path: full, code: 'ENOTREG', reason: `${direntKind(entry)}, not a regular file` });
        continue;
      }
      const mayBeDir = dir.depth < MAX_PROJECT_DEPTH && !entry.isFile();
      if (!isTranscript && !mayBeDir) continue;
      if (++sinceYield >= STATS_PER_YIELD) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // Follows links; also tells the type where the file system does not report it.
      let stats: Stats | undefined;
      try {
        stats = statSync(full, { throwIfNoEntry: false });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') {
          // The folder can be listed but not entered: say so once for the folder, not per entry.
          tree.skipped.push({ ...skippedEntryOf(dir.path, error), reason: 'the folder can be listed but not entered' });
          break;
        }
        tree.skipped.push(skippedEntryOf(full, error)); // ELOOP, ENAMETOOLONG, EIO, ...
        continue;
      }
      if (!stats) {
        // Vanished since the listing (nothing to say), or a dangling link.
        if (isTranscript && entry.isSymbolicLink()) tree.skipped.push(skippedEntryOf(full, Object.assign(new Error('dangling'), { code: 'ENOENT' })));
        continue;
      }
      const id = identity(stats);
      if (stats.isDirectory()) {
        if (dir.depth >= MAX_PROJECT_DEPTH || seen.has(id)) continue;
        seen.add(id);
        pending.push({ path: full, depth: dir.depth + 1, mtimeMs: stats.mtimeMs });
      } else if (isTranscript && stats.isFile()) {
        if (seen.has(id)) continue;
        seen.add(id);
        tree.files.push({ path: full, size: stats.size, mtimeMs: stats.mtimeMs });
      } else if (isTranscript) {
        tree.skipped.push({ path: full, code: 'ENOTREG', reason: `${fileKind(stats)}, not a regular file` });
      }
    }
  }
  return tree;
}

function direntKind(entry: Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  return entry.isCharacterDevice() ? 'a character device' : 'a block device';
}

function identity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

function problemOf(error: unknown): ConfigDirProblem {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'missing';
  if (code === 'ENOTDIR') return 'not-a-directory';
  return 'unreadable';
}

function describeProblem(configDir: string, problem: ConfigDirProblem, cause: unknown): string {
  if (problem === 'missing') return `no Claude Code config dir at ${configDir}`;
  if (problem === 'not-a-directory') return `the Claude Code config dir ${configDir} is not a directory`;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return `cannot read the Claude Code config dir ${configDir}${detail}`;
}
