// Finding transcripts: every `*.jsonl` under `<configDir>/projects/`, in every layout Claude Code
// has used: `<project>/<session>.jsonl`, `<project>/agent-<id>.jsonl` (2.0.x) and
// `<project>/<session>/subagents/agent-<id>.jsonl` (2.1.2+).
import type { Dirent, Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { decodeFileName, displayPath, fsPath, hasLossyName } from './fsPath';
import { fileKind, NotRegularFileError } from './regularFile';

export interface TranscriptFile {
  /** A name that is not valid UTF-8 has its bad bytes escaped (`fsPath` gives the bytes back). */
  path: string;
  size: number;
  mtimeMs: number;
  /** Identity: the file however it is reached (0 and 0 where unknown). */
  dev: number;
  ino: number;
}

/**
 * An entry under the config dir that discovery or reading could not use (a symlink loop, a FIFO, a
 * folder that cannot be entered, ...). It is named once and skipped; everything else goes on.
 */
export interface SkippedEntry {
  path: string;
  /**
   * The errno code (`ELOOP`, `EACCES`, `EPERM`, `ENOTDIR`, `EIO`, ...); `ENOTREG` for a FIFO,
   * socket, device or folder where a transcript was expected; `ENOENT` for a dangling symbolic link;
   * `EILSEQ` for a name this platform cannot give back. Skipped on purpose (`SKIPPED_ON_PURPOSE`):
   * `EALIAS` for a second path to a folder or file already read (a link, a loop), `EDEPTH` for a
   * folder too deep.
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
  EILSEQ: 'a name that cannot be read (not valid text here)',
};

/**
 * Codes of entries skipped on purpose rather than for an error: what lies below them is searched
 * elsewhere (EALIAS: a link to a folder already searched, a loop back to one holding it) or not at
 * all (EDEPTH: too deep).
 */
export const SKIPPED_ON_PURPOSE: ReadonlySet<string> = new Set(['EALIAS', 'EDEPTH']);

/** A folder or file reached again by another path (a link, a loop, a second config dir): searched once, under `first`. */
export function aliasEntry(entryPath: string, first: string, isDir: boolean): SkippedEntry {
  if (isDir && isInside(entryPath, first)) return { path: entryPath, code: 'EALIAS', reason: 'a link back to a folder that holds it (a loop): not searched again' };
  return { path: entryPath, code: 'EALIAS', reason: `the same ${isDir ? 'folder' : 'file'} as ${displayPath(first)}: ${isDir ? 'searched' : 'read'} there` };
}

function isInside(entryPath: string, dir: string): boolean {
  return entryPath.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

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
  dev: number;
  ino: number;
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
  const seen = new Map<string, string>();
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
 * only an unreadable `projectsDir` throws, `ConfigDirError` for `configDir`. So do entries skipped
 * on purpose (`SKIPPED_ON_PURPOSE`): a folder or file reached again through a link or a loop (walked
 * and listed once, under the first path found), a folder deeper than the limit.
 * Names are read as bytes where UTF-8 cannot hold them (`fsPath`). Pass the same `seen` map
 * (identity → first path) to several walks to extend the one-path-per-entry rule across them.
 */
export async function walkProjectsDir(
  projectsDir: string,
  configDir: string,
  seen = new Map<string, string>(),
): Promise<ProjectsTree | null> {
  let rootStats: Stats;
  try {
    rootStats = await stat(fsPath(projectsDir));
  } catch (error) {
    if (problemOf(error) === 'missing') return null;
    throw new ConfigDirError(configDir, 'unreadable', { cause: error });
  }
  if (!rootStats.isDirectory()) throw new ConfigDirError(configDir, 'unreadable', { cause: new Error(`${projectsDir} is not a directory`) });

  const tree: ProjectsTree = { files: [], skipped: [], dirs: [] };
  const rootFirst = seen.get(identity(rootStats));
  if (rootFirst !== undefined) {
    tree.skipped.push(aliasEntry(projectsDir, rootFirst, true));
    return tree;
  }
  seen.set(identity(rootStats), projectsDir);
  // Blocking calls, yielding every few hundred: thousands of small async stats cost several
  // times the CPU (a thread-pool round trip and a promise each) for no gain here. None of them
  // opens anything, so no entry can block.
  let sinceYield = 0;
  const pending: ProjectsDir[] = [{ path: projectsDir, depth: 0, mtimeMs: rootStats.mtimeMs, dev: rootStats.dev, ino: rootStats.ino }];
  for (let dir = pending.shift(); dir !== undefined; dir = pending.shift()) {
    tree.dirs.push(dir);
    let entries: Dirent[];
    try {
      entries = readDirEntries(dir.path);
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
      const deepest = dir.depth >= MAX_PROJECT_DEPTH;
      const mayBeDir = !entry.isFile() && (!deepest || entry.isDirectory() || entry.isSymbolicLink());
      if (!isTranscript && !mayBeDir) continue;
      if (++sinceYield >= STATS_PER_YIELD) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // Follows links; also tells the type where the file system does not report it.
      let stats: Stats | undefined;
      try {
        stats = statSync(fsPath(full), { throwIfNoEntry: false });
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
        // Vanished since the listing (nothing to say), or a dangling link, or a name this platform
        // cannot give back (on Windows, one that is not valid UTF-16): said, never silently skipped.
        if (entry.name.includes('\uFFFD')) tree.skipped.push(skippedEntryOf(full, Object.assign(new Error('bad name'), { code: 'EILSEQ' })));
        else if (isTranscript && entry.isSymbolicLink()) tree.skipped.push(skippedEntryOf(full, Object.assign(new Error('dangling'), { code: 'ENOENT' })));
        continue;
      }
      const id = identity(stats);
      if (stats.isDirectory()) {
        const first = seen.get(id);
        if (first !== undefined) {
          tree.skipped.push(aliasEntry(full, first, true));
        } else if (deepest) {
          tree.skipped.push({ path: full, code: 'EDEPTH', reason: `more than ${MAX_PROJECT_DEPTH} folders below projects: not searched` });
        } else {
          seen.set(id, full);
          pending.push({ path: full, depth: dir.depth + 1, mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino });
        }
      } else if (isTranscript && stats.isFile()) {
        const first = seen.get(id);
        if (first !== undefined) {
          tree.skipped.push(aliasEntry(full, first, false));
          continue;
        }
        seen.set(id, full);
        tree.files.push({ path: full, size: stats.size, mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino });
      } else if (isTranscript) {
        tree.skipped.push({ path: full, code: 'ENOTREG', reason: `${fileKind(stats)}, not a regular file` });
      }
    }
  }
  return tree;
}

/**
 * The entries of `dir`, with each name as a string that names it (`fsPath`): read as UTF-8, and
 * again as bytes only if a name did not survive that (rare, and nothing more is paid otherwise).
 */
export function readDirEntries(dir: string): Dirent[] {
  const entries = readdirSync(fsPath(dir), { withFileTypes: true });
  if (!hasLossyName(entries)) return entries;
  const raw = readdirSync(fsPath(dir), { withFileTypes: true, encoding: 'buffer' }) as unknown as Array<Dirent & { name: Buffer | string }>;
  for (const entry of raw) entry.name = decodeFileName(entry.name as Buffer);
  return raw as Dirent[];
}

function direntKind(entry: Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  return entry.isCharacterDevice() ? 'a character device' : 'a block device';
}

/** Device and inode: one file (or folder) however it is reached. */
export function identity(stats: { dev: number; ino: number }): string {
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
