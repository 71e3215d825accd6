// Follows every transcript under the config dirs live: OS file events for speed, a slow stat poll
// for what events miss (network drives, overflowed queues, watch limits).
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  checkConfigDir,
  ConfigDirError,
  skippedEntryError,
  skippedEntryOf,
  walkProjectsDir,
  type ProjectsTree,
  type SkippedEntry,
  type TranscriptFile,
} from './discover';
import { fileKind, NotRegularFileError } from './regularFile';
import { sameFile, TranscriptTail } from './tail';

/**
 * `recursive`: one `fs.watch(projects, { recursive: true })` — native on macOS and Windows. On
 * Linux, Node 20 emulates it with one watcher per file and synchronous stats on the main thread.
 * `per-directory`: one watcher per project folder and per active session folder.
 * `poll`: no OS watchers, only the safety poll and the walk (for file systems without events).
 * `auto`: recursive where it is native, per-directory elsewhere.
 */
export type WatchMode = 'auto' | 'recursive' | 'per-directory' | 'poll';

/** What `auto` means on a platform: recursive where it is native (macOS, Windows), per-directory elsewhere. */
export function resolveWatchMode(mode: WatchMode, platform: NodeJS.Platform): Exclude<WatchMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return platform === 'darwin' || platform === 'win32' ? 'recursive' : 'per-directory';
}

export interface TranscriptWatcherOptions {
  /** Every newly completed line. `line` is valid only during the call (copy it to keep it). */
  onLine(file: string, line: Buffer, lineNumber: number, byteOffset: number): void;
  /** After each batch of lines read from a file. */
  onBatchEnd?(file: string, endOffset: number, nextLineNumber: number): void;
  /** A file was deleted, truncated or replaced: forget what its earlier lines said. */
  onFileGone?(file: string): void;
  /**
   * A file, folder or config dir that cannot be read or watched: said once (again only if the
   * error changes). Entries below `projects` are also listed by `skippedEntries()`.
   */
  onProblem?(file: string, error: Error): void;
  /** Each transcript the first time it is seen (also those too old to be read). */
  onFileSeen?(file: TranscriptFile): void;
  /** Files modified this recently are read from the start; older ones only from their end. Default 24 h. */
  lookbackMs?: number;
  /** How often followed files are stat-ed in case an event was missed. Default 5 s. */
  safetyPollMs?: number;
  /**
   * How often the whole tree is walked (a stat per transcript) for what no event announced.
   * Default 5 min with OS watchers, 30 s in `poll` mode, where it is how new files are found.
   */
  rediscoverMs?: number;
  /** Events for one file this close together make one read. Default 10 ms. */
  debounceMs?: number;
  watchMode?: WatchMode;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** `<project>/<session>/subagents/` is the deepest folder Claude Code writes transcripts to. */
const WATCH_DEPTH = 3;
const SESSION_DIR_DEPTH = 2;

interface Root {
  configDir: string;
  projectsDir: string;
  /** Whether `projects` existed at the last look (and is being watched). */
  attached: boolean;
  recursiveWatcher: FSWatcher | null;
}

interface KnownFile {
  size: number;
  mtimeMs: number;
  /** Recently active: stat-ed by every safety poll. Cold files are only checked by the walk. */
  hot: boolean;
  /** For a file first seen already old: where its new content starts. */
  baseline: number | null;
}

interface DirWatch {
  watcher: FSWatcher;
  root: Root;
}

export class TranscriptWatcher {
  private readonly options: TranscriptWatcherOptions;
  private readonly lookbackMs: number;
  private readonly debounceMs: number;
  private readonly mode: Exclude<WatchMode, 'auto'>;
  private readonly roots: Root[];
  private readonly tail: TranscriptTail;
  private readonly known = new Map<string, KnownFile>();
  private readonly dirWatches = new Map<string, DirWatch>();
  /** Session folders already looked for next to their `<session>.jsonl`. */
  private readonly sessionDirsChecked = new Set<string>();
  private readonly debounced = new Map<string, NodeJS.Timeout>();
  /** Problems already reported for paths that are not files (config dirs, watch failures). */
  private readonly reported = new Map<string, string>();
  /**
   * Entries below `projects` being skipped, by path: found by a walk (cleared by the walk that no
   * longer finds them) or by a read (cleared when the path reads fine or is gone).
   */
  private readonly skipped = new Map<string, { entry: SkippedEntry; by: 'walk' | 'read' }>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastWalkAt = 0;
  private started = false;
  private disposed = false;

  constructor(configDirs: string[], options: TranscriptWatcherOptions) {
    this.options = options;
    this.lookbackMs = options.lookbackMs ?? DAY_MS;
    this.debounceMs = options.debounceMs ?? 10;
    this.mode = resolveWatchMode(options.watchMode ?? 'auto', process.platform);
    this.roots = [...new Set(configDirs)].map((configDir) => ({
      configDir,
      projectsDir: path.join(configDir, 'projects'),
      attached: false,
      recursiveWatcher: null,
    }));
    this.tail = new TranscriptTail({
      onLine: (file, line, lineNumber, byteOffset) => {
        if (!this.disposed) options.onLine(file, line, lineNumber, byteOffset);
      },
      onBatchEnd: (file, endOffset, nextLineNumber) => {
        if (!this.disposed) options.onBatchEnd?.(file, endOffset, nextLineNumber);
      },
      onReset: (file, reason) => {
        if (reason === 'deleted') this.known.delete(file);
        if (!this.disposed) options.onFileGone?.(file);
      },
      onProblem: (file, error) => this.noteSkipped(this.culpritOf(file, error), 'read'),
    });
  }

  /**
   * Starts watching, then reads the files modified within the lookback window from their start,
   * oldest first, yielding to the event loop between files. Resolves when that backlog is read
   * (live lines flow from the first moment; the editor need not wait). Rejects with
   * `ConfigDirError` when a config dir is missing or unreadable; a missing `projects` dir is fine
   * and is picked up when it appears.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('TranscriptWatcher.start() called twice');
    this.started = true;
    for (const root of this.roots) await checkConfigDir(root.configDir);

    const backlog: TranscriptFile[] = [];
    for (const root of this.roots) await this.syncRoot(root, backlog);
    this.lastWalkAt = Date.now();
    if (this.disposed) return;
    const safetyPollMs = this.options.safetyPollMs ?? 5000;
    this.pollTimer = setInterval(() => void this.poll(), safetyPollMs);

    backlog.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const file of backlog) {
      if (this.disposed) return;
      await this.readFile(file.path);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Files created between the first walk and their folder's watcher: one more walk finds them.
    if (!this.disposed) await this.walkAll();
  }

  /** Stops everything: watchers, timers, and delivery of lines still being read. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const timer of this.debounced.values()) clearTimeout(timer);
    this.debounced.clear();
    for (const { watcher } of this.dirWatches.values()) watcher.close();
    this.dirWatches.clear();
    for (const root of this.roots) this.detachRoot(root);
  }

  /**
   * Every entry below the `projects` dirs now being skipped (a symlink loop, a FIFO, a folder that
   * cannot be entered, a file that cannot be read, ...), by path. Each was also said once through
   * `onProblem`. For diagnostics (`doctor`, the editor).
   */
  skippedEntries(): SkippedEntry[] {
    return [...this.skipped.values()].map(({ entry }) => ({ ...entry })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** How many OS watchers are open: how tests see that watchers follow folders and none outlives dispose(). */
  get watcherCount(): number {
    return this.dirWatches.size + this.roots.filter((root) => root.recursiveWatcher !== null).length;
  }

  // ---- discovery ---------------------------------------------------------------------------

  /**
   * Walks one root and brings the watchers and the known files up to date with it. New files go to
   * `backlog` when given (startup), else are read at once.
   */
  private async syncRoot(root: Root, backlog: TranscriptFile[] | null): Promise<void> {
    let tree: ProjectsTree | null;
    try {
      tree = await walkProjectsDir(root.projectsDir, root.configDir);
      this.clearReported(root.configDir);
    } catch (error) {
      this.reportOnce(error instanceof ConfigDirError ? root.configDir : root.projectsDir, error);
      return;
    }
    if (this.disposed) return;
    const stillSkipped = new Set<string>();
    for (const entry of tree?.skipped ?? []) {
      stillSkipped.add(entry.path);
      this.noteSkipped(entry, 'walk');
    }
    // What lies in a folder the walk could not list or enter was not seen, not found gone.
    const unseen = (entryPath: string) => hasAncestorIn(entryPath, stillSkipped, root.projectsDir);
    const fine = new Set([...(tree?.dirs ?? []).map((dir) => dir.path), ...(tree?.files ?? []).map((file) => file.path)]);
    for (const [entryPath, { by }] of [...this.skipped]) {
      if (stillSkipped.has(entryPath) || unseen(entryPath)) continue;
      // Gone from the walk's list (its own finding), or walked fine now (whoever named it).
      if ((by === 'walk' && (entryPath === root.projectsDir || isInside(entryPath, root.projectsDir))) || fine.has(entryPath)) {
        this.skipped.delete(entryPath);
      }
    }
    if (!tree) {
      // `projects` is gone (or not there yet): the poll looks for it.
      if (root.attached) this.detachRoot(root);
      return;
    }
    if (!root.attached) this.attachRoot(root);

    const cutoff = Date.now() - this.lookbackMs;
    const present = new Set<string>();
    for (const file of tree.files) {
      present.add(file.path);
      const known = this.known.get(file.path);
      if (!known) {
        this.noticeFile(file, cutoff, backlog);
      } else if (file.size !== known.size || file.mtimeMs !== known.mtimeMs) {
        this.scheduleRead(file.path);
      }
    }
    for (const file of [...this.known.keys()]) {
      if (isInside(file, root.projectsDir) && !present.has(file) && !unseen(file)) this.fileGone(file);
    }

    if (this.mode === 'per-directory') this.syncDirWatches(root, tree, cutoff);
  }

  private noticeFile(file: TranscriptFile, cutoff: number, backlog: TranscriptFile[] | null): void {
    const recent = file.mtimeMs >= cutoff;
    this.known.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, hot: recent, baseline: recent ? null : file.size });
    this.options.onFileSeen?.(file);
    if (!recent) return;
    if (backlog) backlog.push(file);
    else this.scheduleRead(file.path);
  }

  private fileGone(file: string): void {
    const wasFollowed = this.tail.position(file) !== undefined;
    this.known.delete(file);
    this.tail.forget(file);
    if (wasFollowed) this.options.onFileGone?.(file);
  }

  private async walkAll(): Promise<void> {
    this.lastWalkAt = Date.now();
    for (const root of this.roots) {
      try {
        await checkConfigDir(root.configDir);
      } catch (error) {
        this.reportOnce(root.configDir, error);
        if (root.attached) this.detachRoot(root);
        continue;
      }
      await this.syncRoot(root, null);
    }
  }

  // ---- watching ----------------------------------------------------------------------------

  private attachRoot(root: Root): void {
    root.attached = true;
    if (this.mode !== 'recursive') return; // per-directory watchers are added by syncDirWatches
    try {
      const watcher = watch(root.projectsDir, { recursive: true }, (event, name) => {
        if (this.disposed) return;
        if (name === null) this.requestWalk();
        else this.onPathEvent(root, path.join(root.projectsDir, name), event, name.split(/[\\/]/).length);
      });
      watcher.on('error', () => this.detachRoot(root));
      root.recursiveWatcher = watcher;
    } catch (error) {
      this.reportOnce(root.projectsDir, error);
    }
  }

  private detachRoot(root: Root): void {
    root.attached = false;
    root.recursiveWatcher?.close();
    root.recursiveWatcher = null;
    for (const [dir, entry] of this.dirWatches) {
      if (entry.root === root) this.unwatchDir(dir);
    }
  }

  /**
   * Watches `projects`, every project folder, and the session folders (with their `subagents`)
   * of sessions active within the lookback window; other session folders get a watcher when
   * their session comes back to life. Drops watchers of folders that are gone.
   */
  private syncDirWatches(root: Root, tree: ProjectsTree, cutoff: number): void {
    const activeSessionDirs = new Set<string>();
    for (const dir of tree.dirs) {
      if (dir.depth === SESSION_DIR_DEPTH && dir.mtimeMs >= cutoff) activeSessionDirs.add(dir.path);
    }
    for (const [file, known] of this.known) {
      if (!known.hot || !isInside(file, root.projectsDir)) continue;
      const parts = path.relative(root.projectsDir, file).split(path.sep);
      if (parts.length === 2) activeSessionDirs.add(path.join(root.projectsDir, parts[0], parts[1].slice(0, -'.jsonl'.length)));
      else if (parts.length > 2) activeSessionDirs.add(path.join(root.projectsDir, parts[0], parts[1]));
    }

    const present = new Set<string>();
    for (const dir of tree.dirs) {
      present.add(dir.path);
      if (dir.depth > WATCH_DEPTH) continue;
      const sessionDir = dir.depth < SESSION_DIR_DEPTH ? null : sessionDirOf(root.projectsDir, dir.path);
      if (sessionDir === null || activeSessionDirs.has(sessionDir) || this.dirWatches.has(sessionDir)) {
        this.watchDir(root, dir.path, dir.depth);
      }
    }
    for (const dir of [...this.dirWatches.keys()]) {
      if (this.dirWatches.get(dir)?.root === root && !present.has(dir)) this.unwatchDir(dir);
    }
  }

  private watchDir(root: Root, dir: string, depth: number): void {
    if (this.disposed || this.dirWatches.has(dir) || depth > WATCH_DEPTH) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (event, name) => {
        if (this.disposed) return;
        if (name === null) this.requestWalk();
        else this.onPathEvent(root, path.join(dir, name), event, depth + 1);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone, or not readable (the walk names it): nothing to watch. Out of inotify watches or
      // descriptors: the safety poll and the walk cover this folder.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES' && code !== 'EPERM') this.reportOnce('watch-limit', error, dir);
      return;
    }
    // The folder was deleted or became unwatchable: the walk decides what happens next.
    watcher.on('error', () => this.unwatchDir(dir));
    this.dirWatches.set(dir, { watcher, root });
  }

  private unwatchDir(dir: string): void {
    const entry = this.dirWatches.get(dir);
    if (!entry) return;
    entry.watcher.close();
    this.dirWatches.delete(dir);
  }

  /** `depth`: of the changed path below `projects` (a project folder is 1). */
  private onPathEvent(root: Root, changed: string, event: string, depth: number): void {
    if (changed.endsWith('.jsonl')) {
      this.scheduleRead(changed);
      if (depth === SESSION_DIR_DEPTH && this.mode === 'per-directory') this.noticeSessionFile(root, changed);
      return;
    }
    if (event === 'rename' && depth <= WATCH_DEPTH) void this.noticeNewDir(root, changed, depth);
  }

  /** A session came to life: follow its subagents too (their folder may predate our watchers). */
  private noticeSessionFile(root: Root, sessionFile: string): void {
    const sessionDir = sessionFile.slice(0, -'.jsonl'.length);
    if (this.sessionDirsChecked.has(sessionDir) || this.dirWatches.has(sessionDir)) return;
    this.sessionDirsChecked.add(sessionDir);
    void this.noticeNewDir(root, sessionDir, SESSION_DIR_DEPTH);
  }

  /** A folder appeared (or was renamed, or removed): watch it and read what it already holds. */
  private async noticeNewDir(root: Root, dir: string, depth: number): Promise<void> {
    let entries;
    try {
      if (!(await stat(dir)).isDirectory()) return;
      if (this.mode === 'per-directory') this.watchDir(root, dir, depth);
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      // Gone: drop its watchers and forget its files.
      for (const watched of [...this.dirWatches.keys()]) if (isInside(watched, dir) || watched === dir) this.unwatchDir(watched);
      for (const file of [...this.known.keys()]) if (isInside(file, dir)) this.scheduleRead(file);
      return;
    }
    if (this.disposed) return;
    for (const entry of entries) {
      const child = path.join(dir, entry.name);
      if (entry.name.endsWith('.jsonl') && !entry.isDirectory()) this.scheduleRead(child);
      else if (entry.isDirectory() && depth < WATCH_DEPTH) void this.noticeNewDir(root, child, depth + 1);
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  private scheduleRead(file: string): void {
    if (this.disposed || this.debounced.has(file)) return;
    this.debounced.set(
      file,
      setTimeout(() => {
        this.debounced.delete(file);
        void this.readFile(file);
      }, this.debounceMs),
    );
  }

  private async readFile(file: string): Promise<void> {
    if (this.disposed) return;
    let known = this.known.get(file);
    if (!known || !known.hot) {
      let stats;
      try {
        stats = await stat(file);
        if (stats.isDirectory()) {
          // A folder named like a transcript is a folder: the walk goes into it, and so does this.
          if (known) this.fileGone(file);
          this.noticeFolderNamedLikeATranscript(file);
          return;
        }
        if (!stats.isFile()) throw new NotRegularFileError(file, fileKind(stats));
      } catch (error) {
        // Gone, or something that is not a transcript (a loop, a FIFO, ...): never opened.
        if (known) this.fileGone(file);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') this.clearSkipped(file, 'read');
        else this.noteSkipped(this.culpritOf(file, error), 'read');
        return;
      }
      if (this.disposed) return;
      known = this.known.get(file);
      if (!known) {
        const seen: TranscriptFile = { path: file, size: stats.size, mtimeMs: stats.mtimeMs };
        this.noticeFile(seen, Date.now() - this.lookbackMs, []);
        known = this.known.get(file);
        if (!known) return;
      } else if (stats.size === known.size && stats.mtimeMs === known.mtimeMs) {
        return; // an event without a change (or one for an old file we only list)
      }
      known.hot = true;
    }
    try {
      await this.tail.read(file, known.baseline ?? 'start');
    } catch (error) {
      // onLine threw: a consumer's bug, reported like a problem so it is seen.
      if (!this.disposed) this.options.onProblem?.(file, error instanceof Error ? error : new Error(String(error)));
    }
    const position = this.tail.position(file);
    if (position) {
      known.size = position.size;
      known.mtimeMs = position.mtimeMs;
      if (!this.tail.hasProblem(file)) this.clearSkipped(file, 'read');
    }
  }

  private noticeFolderNamedLikeATranscript(dir: string): void {
    const root = this.roots.find((candidate) => isInside(dir, candidate.projectsDir));
    if (!root) return;
    const depth = path.relative(root.projectsDir, dir).split(path.sep).length;
    if (depth <= WATCH_DEPTH) void this.noticeNewDir(root, dir, depth);
  }

  /** Stats the hot files; looks for a missing `projects` dir; walks everything now and then. */
  private async poll(): Promise<void> {
    if (this.polling || this.disposed) return;
    this.polling = true;
    try {
      const cutoff = Date.now() - this.lookbackMs;
      for (const [file, known] of [...this.known]) {
        if (!known.hot || this.disposed) continue;
        let stats;
        try {
          stats = await stat(file);
        } catch {
          this.scheduleRead(file); // vanished: the read tells the tail
          continue;
        }
        const position = this.tail.position(file);
        const changed = position
          ? stats.size !== position.size || stats.mtimeMs !== position.mtimeMs || !sameFile(position, stats)
          : stats.size !== known.size || stats.mtimeMs !== known.mtimeMs;
        // A file reported unreadable is asked again each time: a chmod changes neither its size nor
        // its time, and the tail tries it again only if its signature (mode included) changed.
        if (changed || this.tail.hasProblem(file)) this.scheduleRead(file);
        else if (stats.mtimeMs < cutoff) known.hot = false;
      }
      const rediscoverMs = this.options.rediscoverMs ?? (this.mode === 'poll' ? 30_000 : 300_000);
      const missingProjects = this.roots.some((root) => !root.attached);
      if (Date.now() - this.lastWalkAt >= rediscoverMs || (missingProjects && (await this.anyProjectsDirAppeared()))) {
        await this.walkAll();
      }
    } finally {
      this.polling = false;
    }
  }

  private async anyProjectsDirAppeared(): Promise<boolean> {
    for (const root of this.roots) {
      if (root.attached) continue;
      try {
        if ((await stat(root.projectsDir)).isDirectory()) return true;
      } catch {
        // still missing
      }
    }
    return false;
  }

  /** An event without a name: the OS lost track; walk soon rather than in a minute. */
  private requestWalk(): void {
    this.lastWalkAt = 0;
  }

  private reportOnce(key: string, error: unknown, subject = key): void {
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.reported.get(key) === err.message) return;
    this.reported.set(key, err.message);
    if (!this.disposed) this.options.onProblem?.(subject, err);
  }

  private clearReported(key: string): void {
    this.reported.delete(key);
  }

  /**
   * The entry to name for `error` met on `file`: `stat` needs no permission on the file itself, so
   * an EACCES there is its folder's (named once for the folder, as the walk does, not per file).
   */
  private culpritOf(file: string, error: unknown): SkippedEntry {
    const { code, syscall } = error as NodeJS.ErrnoException;
    if ((code === 'EACCES' || code === 'EPERM') && syscall === 'stat') {
      return { ...skippedEntryOf(path.dirname(file), error), reason: 'the folder cannot be entered' };
    }
    return skippedEntryOf(file, error);
  }

  /** Says once that `entry` is skipped (again only if its error changes). */
  private noteSkipped(entry: SkippedEntry, by: 'walk' | 'read'): void {
    if (this.disposed) return;
    const known = this.skipped.get(entry.path);
    if (known?.entry.code === entry.code) return;
    this.skipped.set(entry.path, { entry, by });
    this.options.onProblem?.(entry.path, skippedEntryError(entry));
  }

  private clearSkipped(entryPath: string, by: 'walk' | 'read'): void {
    if (this.skipped.get(entryPath)?.by === by) this.skipped.delete(entryPath);
  }
}

function isInside(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** Whether a folder holding `entryPath`, below `top`, is in `dirs`. */
function hasAncestorIn(entryPath: string, dirs: ReadonlySet<string>, top: string): boolean {
  if (dirs.size === 0) return false;
  for (let dir = path.dirname(entryPath); dir.length > top.length && isInside(dir, top); dir = path.dirname(dir)) {
    if (dirs.has(dir)) return true;
  }
  return false;
}

/** The `<project>/<session>` folder a folder at depth ≥ 2 belongs to. */
function sessionDirOf(projectsDir: string, dir: string): string {
  const parts = path.relative(projectsDir, dir).split(path.sep);
  return path.join(projectsDir, parts[0], parts[1]);
}
