// Follows every transcript under the config dirs live: OS file events for speed, a slow stat poll
// for what events miss (network drives, overflowed queues, watch limits).
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  aliasEntry,
  checkConfigDir,
  ConfigDirError,
  identity,
  MAX_PROJECT_DEPTH,
  readDirEntries,
  SKIPPED_ON_PURPOSE,
  skippedEntryError,
  skippedEntryOf,
  walkProjectsDir,
  type ProjectsTree,
  type SkippedEntry,
  type TranscriptFile,
} from './discover';
import { decodeFileName, fsPath } from './fsPath';
import { fileKind, NotRegularFileError } from './regularFile';
import { sameFile, TranscriptTail, type TailResetReason } from './tail';

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
  onFileGone?(file: string, reason?: TailResetReason): void;
  /**
   * The file read as `from` (which had its `onFileGone`) is now `file`, renamed, with what was read
   * of it unchanged: its next lines come under `file`, numbered on from where `from` stopped, and
   * none of its earlier lines comes again.
   */
  onFileMoved?(file: string, from: string): void;
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
  /** The identity of the `projects` folder attached: another one under the name is attached again. */
  id: string | null;
  recursiveWatcher: FSWatcher | null;
  /** While `projects` is missing: a watcher on the config dir, to see it come (back) at once. */
  configWatcher: FSWatcher | null;
  /** The walk of this root running now, and whether another was asked for meanwhile. */
  syncing: Promise<void> | null;
  syncAgain: boolean;
}

interface KnownFile {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Recently active: stat-ed by every safety poll. Cold files are only checked by the walk. */
  hot: boolean;
  /** For a file first seen already old: where its new content starts. */
  baseline: number | null;
}

interface DirWatch {
  watcher: FSWatcher;
  root: Root;
  /** The folder watched: another one under the same path needs a watcher of its own. */
  id: string;
}

export class TranscriptWatcher {
  private readonly options: TranscriptWatcherOptions;
  private readonly lookbackMs: number;
  private readonly debounceMs: number;
  private readonly mode: Exclude<WatchMode, 'auto'>;
  private readonly roots: Root[];
  private readonly tail: TranscriptTail;
  private readonly known = new Map<string, KnownFile>();
  /** Identity → the path a known file is known under (one file, however many paths reach it). */
  private readonly byIdentity = new Map<string, string>();
  /** Identity → path of the folders found (by the walks and since): a second path to one is an alias. */
  private readonly dirIds = new Map<string, string>();
  private readonly dirWatches = new Map<string, DirWatch>();
  /** Session folders already looked for next to their `<session>.jsonl`. */
  private readonly sessionDirsChecked = new Set<string>();
  /** Reads waiting out the debounce; `verify`: a watch event asked (check the content, not only the size). */
  private readonly debounced = new Map<string, { timer: NodeJS.Timeout; verify: boolean }>();
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
      id: null,
      recursiveWatcher: null,
      configWatcher: null,
      syncing: null,
      syncAgain: false,
    }));
    this.tail = new TranscriptTail({
      onLine: (file, line, lineNumber, byteOffset) => {
        if (!this.disposed) options.onLine(file, line, lineNumber, byteOffset);
      },
      onBatchEnd: (file, endOffset, nextLineNumber) => {
        if (!this.disposed) options.onBatchEnd?.(file, endOffset, nextLineNumber);
      },
      onReset: (file, reason) => {
        if (reason === 'deleted') this.dropKnown(file);
        else if (reason === 'replaced') this.forgetIdentity(file);
        if (!this.disposed) options.onFileGone?.(file, reason);
      },
      onMoved: (file, from) => {
        if (!this.disposed) options.onFileMoved?.(file, from);
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
    for (const root of this.roots) await this.sync(root, backlog);
    this.lastWalkAt = Date.now();
    if (this.disposed) return;
    const safetyPollMs = this.options.safetyPollMs ?? 5000;
    this.pollTimer = setInterval(() => void this.poll(), safetyPollMs);

    backlog.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const file of backlog) {
      if (this.disposed) return;
      await this.readFile(file.path, false);
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
    for (const { timer } of this.debounced.values()) clearTimeout(timer);
    this.debounced.clear();
    for (const { watcher } of this.dirWatches.values()) watcher.close();
    this.dirWatches.clear();
    for (const root of this.roots) {
      this.detachRoot(root);
      root.configWatcher?.close();
      root.configWatcher = null;
    }
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
    return this.dirWatches.size + this.roots.filter((root) => root.recursiveWatcher !== null).length + this.roots.filter((root) => root.configWatcher !== null).length;
  }

  // ---- discovery ---------------------------------------------------------------------------

  /** Walks `root` (one walk at a time per root: one asked for meanwhile runs after). */
  private async sync(root: Root, backlog: TranscriptFile[] | null): Promise<void> {
    if (root.syncing) {
      root.syncAgain = true;
      return root.syncing;
    }
    root.syncing = (async () => {
      try {
        do {
          root.syncAgain = false;
          await this.syncRoot(root, backlog);
          backlog = null;
        } while (root.syncAgain && !this.disposed);
      } finally {
        root.syncing = null;
      }
    })();
    return root.syncing;
  }

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
    /** Folders that could not be searched (for an error, not on purpose): what they hold was not seen. */
    const notSearched = new Set<string>();
    for (const entry of tree?.skipped ?? []) {
      stillSkipped.add(entry.path);
      if (!SKIPPED_ON_PURPOSE.has(entry.code)) notSearched.add(entry.path);
      this.noteSkipped(entry, 'walk');
    }
    // What lies in a folder the walk could not list or enter was not seen, not found gone.
    const unseen = (entryPath: string) => hasAncestorIn(entryPath, notSearched, root.projectsDir);
    const fine = new Set([...(tree?.dirs ?? []).map((dir) => dir.path), ...(tree?.files ?? []).map((file) => file.path)]);
    for (const [entryPath, { by }] of [...this.skipped]) {
      if (stillSkipped.has(entryPath) || unseen(entryPath)) continue;
      // Gone from the walk's list (its own finding), or walked fine now (whoever named it).
      if ((by === 'walk' && (entryPath === root.projectsDir || isInside(entryPath, root.projectsDir))) || fine.has(entryPath)) {
        this.skipped.delete(entryPath);
      }
    }
    for (const [id, dir] of [...this.dirIds]) if (dir === root.projectsDir || isInside(dir, root.projectsDir)) this.dirIds.delete(id);
    if (!tree) {
      // `projects` is gone (or not there yet): what was in it is gone too; the config dir's watcher
      // and the poll look for it.
      for (const file of [...this.known.keys()]) if (isInside(file, root.projectsDir)) this.fileGone(file);
      if (root.attached) this.detachRoot(root);
      this.watchConfigDir(root);
      return;
    }
    for (const dir of tree.dirs) this.dirIds.set(identity(dir), dir.path);
    const rootId = identity(tree.dirs[0]);
    if (root.attached && root.id !== rootId) this.detachRoot(root); // another folder under the name
    if (!root.attached) {
      this.attachRoot(root, rootId);
      // What was made between this walk's listing and the new watchers: one more walk finds it
      // (at start, `start()` walks once more itself).
      if (!backlog) root.syncAgain = true;
    }

    const cutoff = Date.now() - this.lookbackMs;
    const present = new Set<string>();
    for (const file of tree.files) present.add(file.path);
    for (const file of tree.files) {
      const known = this.known.get(file.path);
      if (!known) {
        // Known under another path the walk did not list that way (renamed, or reached first
        // through another link now): it goes on under this one.
        const other = this.byIdentity.get(identity(file));
        const was = other === undefined ? undefined : this.known.get(other);
        if (other !== undefined && was) this.fileGone(other);
        this.noticeFile(file, cutoff, backlog, was);
      } else if (known.dev !== file.dev || known.ino !== file.ino || file.size !== known.size || file.mtimeMs !== known.mtimeMs) {
        this.scheduleRead(file.path, false);
      }
    }
    for (const file of [...this.known.keys()]) {
      if (isInside(file, root.projectsDir) && !present.has(file) && !unseen(file)) this.fileGone(file);
    }

    if (this.mode === 'per-directory') this.syncDirWatches(root, tree, cutoff);
  }

  /**
   * A transcript new under its path. `movedFrom`: what was known of it under another path (renamed):
   * it keeps being followed (or not) as it was, and is not counted again.
   */
  private noticeFile(file: TranscriptFile, cutoff: number, backlog: TranscriptFile[] | null, movedFrom?: KnownFile): void {
    // A followed file that left its path turns up here: it goes on where it stood, whatever its age.
    // The tail decides where, by its fingerprint: an inode number used again by another file is read
    // as the new file it is. (A file only listed, never read, has no fingerprint: it is taken as new.)
    const followed = (movedFrom !== undefined && (movedFrom.hot || movedFrom.baseline === null)) || this.tail.isDetached(file);
    const recent = followed || file.mtimeMs >= cutoff;
    const baseline = recent ? null : file.size;
    this.setKnown(file.path, { dev: file.dev, ino: file.ino, size: file.size, mtimeMs: file.mtimeMs, ctimeMs: 0, hot: recent, baseline });
    if (!movedFrom) this.options.onFileSeen?.(file);
    if (!recent) return;
    if (backlog) backlog.push(file);
    else this.scheduleRead(file.path, true);
  }

  private setKnown(file: string, known: KnownFile): void {
    this.forgetIdentity(file);
    this.known.set(file, known);
    this.byIdentity.set(identity(known), file);
  }

  private dropKnown(file: string): void {
    this.forgetIdentity(file);
    this.known.delete(file);
  }

  private forgetIdentity(file: string): void {
    const known = this.known.get(file);
    if (known && this.byIdentity.get(identity(known)) === file) this.byIdentity.delete(identity(known));
  }

  /** `file` no longer names what it did: stop following it there, keeping its position by identity. */
  private fileGone(file: string): void {
    const wasFollowed = this.tail.position(file) !== undefined;
    this.dropKnown(file);
    this.tail.detach(file);
    if (wasFollowed) this.options.onFileGone?.(file, 'deleted');
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
      await this.sync(root, null);
    }
  }

  // ---- watching ----------------------------------------------------------------------------

  private attachRoot(root: Root, id: string): void {
    root.attached = true;
    root.id = id;
    root.configWatcher?.close();
    root.configWatcher = null;
    if (this.mode !== 'recursive') return; // per-directory watchers are added by syncDirWatches
    try {
      const watcher = watch(fsPath(root.projectsDir), { recursive: true, encoding: 'buffer' }, (event, raw) => {
        if (this.disposed) return;
        const name = nameOf(raw);
        if (name === null) this.requestWalk();
        // `projects` itself deleted or replaced: walk it again now.
        else if (name === '' || name === '.') void this.sync(root, null);
        else if (name.includes('\uFFFD')) this.noticeLossyName(root, name);
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
    root.id = null;
    root.recursiveWatcher?.close();
    root.recursiveWatcher = null;
    for (const [dir, entry] of this.dirWatches) {
      if (entry.root === root) this.unwatchDir(dir);
    }
  }

  /** While `projects` is missing, watches the config dir for it: a new one is walked at once. */
  private watchConfigDir(root: Root): void {
    if (this.mode === 'poll' || root.configWatcher || this.disposed) return;
    try {
      const watcher = watch(fsPath(root.configDir), { persistent: true, encoding: 'buffer' }, (_event, raw) => {
        if (this.disposed) return;
        const name = nameOf(raw);
        if (name === null || name === 'projects') void this.sync(root, null);
      });
      watcher.on('error', () => {
        watcher.close();
        if (root.configWatcher === watcher) root.configWatcher = null;
      });
      root.configWatcher = watcher;
    } catch {
      // The config dir itself is checked by every walk; the poll looks for `projects` meanwhile.
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
        this.watchDir(root, dir.path, dir.depth, identity(dir));
      }
    }
    for (const dir of [...this.dirWatches.keys()]) {
      if (this.dirWatches.get(dir)?.root === root && !present.has(dir)) this.unwatchDir(dir);
    }
  }

  private watchDir(root: Root, dir: string, depth: number, id: string): void {
    if (this.disposed || depth > WATCH_DEPTH) return;
    const existing = this.dirWatches.get(dir);
    if (existing?.id === id) return;
    // Another folder under the same path (deleted and made again): its old watcher sees nothing.
    if (existing) this.unwatchDir(dir);
    let watcher: FSWatcher;
    const ownName = path.basename(dir);
    try {
      watcher = watch(fsPath(dir), { persistent: true, encoding: 'buffer' }, (event, raw) => {
        if (this.disposed) return;
        const name = nameOf(raw);
        if (name === null) this.requestWalk();
        else {
          // The folder itself deleted or moved (the event names it): look again now.
          if (event === 'rename' && name === ownName) void this.checkDir(root, dir, depth, id);
          this.onPathEvent(root, path.join(dir, name), event, depth + 1);
        }
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Gone, or not readable (the walk names it): nothing to watch. Out of inotify watches or
      // descriptors: the safety poll and the walk cover this folder.
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EACCES' && code !== 'EPERM') this.reportOnce('watch-limit', error, dir);
      return;
    }
    // The folder was deleted or became unwatchable: the walk decides what happens next.
    watcher.on('error', () => {
      if (this.dirWatches.get(dir)?.watcher === watcher) this.unwatchDir(dir);
      else watcher.close();
    });
    this.dirWatches.set(dir, { watcher, root, id });
  }

  /** A watched folder's own event: gone, or another folder under its path, and it is walked again. */
  private async checkDir(root: Root, dir: string, depth: number, id: string): Promise<void> {
    let now: string | null = null;
    try {
      const stats = await stat(fsPath(dir));
      if (stats.isDirectory()) now = identity(stats);
    } catch {
      // gone
    }
    if (this.disposed || now === id) return;
    if (depth === 0) return void this.sync(root, null);
    if (this.dirWatches.get(dir)?.id === id) this.unwatchDir(dir);
    if (now !== null) void this.noticeNewDir(root, dir, depth);
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
      // Deeper than the walk searches: skipped on purpose (the walk names the folder).
      if (depth > MAX_PROJECT_DEPTH + 1) return;
      this.scheduleRead(changed, true);
      if (depth === SESSION_DIR_DEPTH && this.mode === 'per-directory') this.noticeSessionFile(root, changed);
      return;
    }
    if (event === 'rename' && depth <= WATCH_DEPTH) void this.noticeNewDir(root, changed, depth);
  }

  /**
   * An event whose path lost bytes to UTF-8 (Node's emulated recursive watcher on Linux reads names
   * as UTF-8): the nearest folder above it with an intact name is listed again, as bytes.
   */
  private noticeLossyName(root: Root, relative: string): void {
    const parts = relative.split(/[\\/]/);
    const intact = parts.findIndex((part) => part.includes('\uFFFD'));
    void this.noticeNewDir(root, path.join(root.projectsDir, ...parts.slice(0, intact)), intact);
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
      const stats = await stat(fsPath(dir));
      if (!stats.isDirectory()) return;
      const id = identity(stats);
      const other = this.dirIds.get(id);
      if (other !== undefined && other !== dir && (await this.stillNamesDir(other, id))) {
        // Another path to a folder already followed (a link to it, a loop): not read twice.
        this.noteSkipped(aliasEntry(dir, other, true), 'walk');
        return;
      }
      this.dirIds.set(id, dir);
      if (this.mode === 'per-directory') this.watchDir(root, dir, depth, id);
      entries = readDirEntries(dir);
    } catch {
      // Gone: drop its watchers and look at its files.
      for (const watched of [...this.dirWatches.keys()]) if (isInside(watched, dir) || watched === dir) this.unwatchDir(watched);
      for (const file of [...this.known.keys()]) if (isInside(file, dir)) this.scheduleRead(file, false);
      return;
    }
    if (this.disposed) return;
    for (const entry of entries) {
      const child = path.join(dir, entry.name);
      // Found by a listing, not by an event of its own: read if new or changed, not checked byte by byte.
      if (entry.name.endsWith('.jsonl') && !entry.isDirectory()) this.scheduleRead(child, false);
      else if ((entry.isDirectory() || entry.isSymbolicLink()) && depth < WATCH_DEPTH) void this.noticeNewDir(root, child, depth + 1);
    }
  }

  private async stillNamesDir(dir: string, id: string): Promise<boolean> {
    try {
      return identity(await stat(fsPath(dir))) === id;
    } catch {
      return false;
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  /** `verify`: check the content even if size and times are unchanged (a watch event came). */
  private scheduleRead(file: string, verify: boolean): void {
    if (this.disposed) return;
    const pending = this.debounced.get(file);
    if (pending) {
      pending.verify ||= verify;
      return;
    }
    const entry = {
      verify,
      timer: setTimeout(() => {
        this.debounced.delete(file);
        void this.readFile(file, entry.verify);
      }, this.debounceMs),
    };
    this.debounced.set(file, entry);
  }

  private async readFile(file: string, verify: boolean, again = true): Promise<void> {
    if (this.disposed) return;
    let known = this.known.get(file);
    if (!known || !known.hot) {
      let stats: Stats;
      try {
        stats = await stat(fsPath(file));
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
      if (known && (known.dev !== stats.dev || known.ino !== stats.ino)) {
        // Another file under the name (of a file only listed, never read): look at it afresh.
        this.fileGone(file);
        known = undefined;
      }
      if (!known) {
        if (!(await this.arrive(file, stats))) return;
        known = this.known.get(file);
        if (!known) return;
      } else if (stats.size === known.size && stats.mtimeMs === known.mtimeMs && (this.tail.position(file) === undefined || (!verify && stats.ctimeMs === known.ctimeMs))) {
        // An event without a change, or one for an old file we only list: nothing of it is held,
        // so there is no content to check (and its first read would count every line before it).
        return;
      }
      known.hot = true;
    }
    try {
      await this.tail.read(file, known.baseline ?? 'start', { verify });
    } catch (error) {
      // onLine threw: a consumer's bug, reported like a problem so it is seen.
      if (!this.disposed) this.options.onProblem?.(file, error instanceof Error ? error : new Error(String(error)));
    }
    if (this.disposed) return;
    const aliasOf = this.tail.aliasOf(file);
    if (aliasOf !== undefined) {
      // Another name of a file followed under `aliasOf`: read there, not twice.
      if (this.known.get(file) === known) this.dropKnown(file);
      this.noteSkipped(aliasEntry(file, aliasOf, false), 'walk');
      this.scheduleRead(aliasOf, true);
      return;
    }
    const position = this.tail.position(file);
    const now = this.known.get(file);
    if (position && now) {
      now.size = position.size;
      now.mtimeMs = position.mtimeMs;
      now.ctimeMs = position.ctimeMs;
      if (now.dev !== position.dev || now.ino !== position.ino) this.setKnown(file, { ...now, dev: position.dev, ino: position.ino });
      if (!this.tail.hasProblem(file)) this.clearSkipped(file, 'read');
    } else if (!now && again && !this.disposed) {
      // Dropped during the read (a file that replaced it, deleted): look at what the name holds now.
      await this.readFile(file, true, false);
    }
  }

  /**
   * `file` names a file not known under that path: another name of a known one (an alias: read
   * there, returns false), a known one renamed (it goes on under this name), or a new one.
   */
  private async arrive(file: string, stats: Stats): Promise<boolean> {
    const root = this.roots.find((candidate) => isInside(file, candidate.projectsDir));
    if (root && path.relative(root.projectsDir, file).split(path.sep).length > MAX_PROJECT_DEPTH + 1) return false;
    const other = this.byIdentity.get(identity(stats));
    let movedFrom: KnownFile | undefined;
    if (other !== undefined && other !== file) {
      let still = false;
      try {
        still = sameFile({ dev: stats.dev, ino: stats.ino, birthtimeMs: stats.birthtimeMs }, await stat(fsPath(other)));
      } catch {
        still = false;
      }
      if (this.disposed) return false;
      if (still) {
        this.noteSkipped(aliasEntry(file, other, false), 'walk');
        this.scheduleRead(other, true);
        return false;
      }
      movedFrom = this.known.get(other);
      if (movedFrom) this.fileGone(other);
    }
    if (this.known.has(file)) return true; // noticed meanwhile
    const seen: TranscriptFile = { path: file, size: stats.size, mtimeMs: stats.mtimeMs, dev: stats.dev, ino: stats.ino };
    this.noticeFile(seen, Date.now() - this.lookbackMs, [], movedFrom);
    const known = this.known.get(file);
    if (known) known.ctimeMs = stats.ctimeMs;
    return known !== undefined && known.hot;
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
          stats = await stat(fsPath(file));
        } catch {
          this.scheduleRead(file, false); // vanished: the read tells the tail
          continue;
        }
        const position = this.tail.position(file);
        // Racy: changed so shortly before it was last read that a same-size rewrite could keep
        // its times; the content is checked until that can no longer be.
        const changed = position
          ? stats.size !== position.size || stats.mtimeMs !== position.mtimeMs || stats.ctimeMs !== position.ctimeMs || !sameFile(position, stats) || position.racy
          : stats.size !== known.size || stats.mtimeMs !== known.mtimeMs;
        // A file reported unreadable is asked again each time: a chmod changes neither its size nor
        // its time, and the tail tries it again only if its signature (mode included) changed.
        if (changed || this.tail.hasProblem(file)) this.scheduleRead(file, true);
        else if (stats.mtimeMs < cutoff) known.hot = false;
      }
      // A `projects` folder deleted, or replaced by another: walked again now, not at the next rediscovery.
      for (const root of this.roots) {
        if (!root.attached || this.disposed) continue;
        let id: string | null = null;
        try {
          id = identity(await stat(fsPath(root.projectsDir)));
        } catch {
          id = null;
        }
        if (id !== root.id) await this.sync(root, null);
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
        if ((await stat(fsPath(root.projectsDir))).isDirectory()) return true;
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

/** A watch event's file name (asked for as bytes, so that a name that is not UTF-8 survives). */
function nameOf(raw: Buffer | string | null): string | null {
  if (raw === null) return null;
  return typeof raw === 'string' ? raw : decodeFileName(raw);
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
