// Finding transcripts: every `*.jsonl` under `<configDir>/projects/`, in every layout Claude Code
// has used: `<project>/<session>.jsonl`, `<project>/agent-<id>.jsonl` (2.0.x) and
// `<project>/<session>/subagents/agent-<id>.jsonl` (2.1.2+).
import type { Dirent, Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

export interface TranscriptFile {
  path: string;
  size: number;
  mtimeMs: number;
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
 */
export async function listTranscriptFiles(
  configDirs: string[],
  options: { modifiedSinceMs?: number } = {},
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
 * has already walked (so a symlink loop ends). Null when `projectsDir` does not exist. Unreadable
 * subdirectories are skipped; an unreadable `projectsDir` throws `ConfigDirError` for `configDir`.
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

  const tree: ProjectsTree = { files: [], dirs: [] };
  if (seen.has(identity(rootStats))) return tree;
  seen.add(identity(rootStats));
  // Blocking calls, yielding every few hundred: thousands of small async stats cost several
  // times the CPU (a thread-pool round trip and a promise each) for no gain here.
  let sinceYield = 0;
  const pending: ProjectsDir[] = [{ path: projectsDir, depth: 0, mtimeMs: rootStats.mtimeMs }];
  for (let dir = pending.shift(); dir !== undefined; dir = pending.shift()) {
    tree.dirs.push(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir.path, { withFileTypes: true });
    } catch (error) {
      if (dir.depth === 0) throw new ConfigDirError(configDir, 'unreadable', { cause: error });
      continue; // vanished or unreadable subfolder: nothing to find there
    }
    for (const entry of entries) {
      if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice()) continue;
      const isTranscript = entry.name.endsWith('.jsonl');
      const mayBeDir = dir.depth < MAX_PROJECT_DEPTH && !entry.isFile();
      if (!isTranscript && !mayBeDir) continue;
      if (++sinceYield >= STATS_PER_YIELD) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const full = path.join(dir.path, entry.name);
      // Follows links; also tells the type where the file system does not report it.
      const stats = statSync(full, { throwIfNoEntry: false });
      if (!stats) continue; // vanished, or a dangling link
      const id = identity(stats);
      if (stats.isDirectory()) {
        if (dir.depth >= MAX_PROJECT_DEPTH || seen.has(id)) continue;
        seen.add(id);
        pending.push({ path: full, depth: dir.depth + 1, mtimeMs: stats.mtimeMs });
      } else if (isTranscript && stats.isFile()) {
        if (seen.has(id)) continue;
        seen.add(id);
        tree.files.push({ path: full, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  }
  return tree;
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
