// Follows transcript files: each read delivers only the lines completed since the last one.
import type { Stats } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { identity } from './discover';
import { fsPath } from './fsPath';
import { readCompleteLinesFromHandle } from './lines';
import { NotRegularFileError, openRegularFile } from './regularFile';

/**
 * Where a file the tail has not seen yet starts: at its first line, or after the last complete
 * line before a byte offset (the size it had when it was listed, so what was appended since is
 * still delivered).
 */
export type TailStart = 'start' | number;

/**
 * `deleted`: gone. `truncated`: shorter than what was read. `replaced`: another file under the name.
 * `rewritten`: the same file, but the bytes already read changed (truncated and written again,
 * whatever its new size).
 */
export type TailResetReason = 'deleted' | 'truncated' | 'replaced' | 'rewritten';

export interface TranscriptTailOptions {
  /** Gets every newly completed line. `line` is valid only during the call (copy it to keep it). */
  onLine(file: string, line: Buffer, lineNumber: number, byteOffset: number): void;
  /** After a read that delivered at least one line: the batch is complete. */
  onBatchEnd?(file: string, endOffset: number, nextLineNumber: number): void;
  /**
   * A followed file is gone (`deleted`), or was truncated, replaced by a new file or rewritten in
   * place: anything derived from its earlier lines is stale. For all but `deleted` its lines follow
   * again from line 1.
   */
  onReset?(file: string, reason: TailResetReason): void;
  /** A file that cannot be read: reported once, then skipped until its size, time or identity changes. */
  onProblem?(file: string, error: Error): void;
  /**
   * A file that left the path it was followed under (`from`: deleted or replaced there, or
   * detached) is found under `file`, renamed or back under the same name, with the bytes read
   * before unchanged: its lines go on from where they stopped, numbered on, and none is delivered
   * again. `from` had its reset when the file left it.
   */
  onMoved?(file: string, from: string): void;
}

export interface TailReadOptions {
  /**
   * Check the fingerprint even when size, time and identity are unchanged (a watch event came): a
   * rewrite in place of the same size within the file system's time granularity shows only there.
   */
  verify?: boolean;
}

/** What the tail knows of a file it follows. */
export interface TailPosition {
  /** Offset just past the last delivered line. */
  offset: number;
  /** The number the next line will get (1-based). */
  lineNumber: number;
  /** Size, mtime and ctime at the last read. */
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  dev: number;
  ino: number;
  /** 0 where the file system does not record it. */
  birthtimeMs: number;
  /**
   * Its content was last checked so soon after its last change (within `RACY_MS`) that a rewrite
   * of the same size could still keep that time: only reading tells (as git's "racily clean").
   */
  racy: boolean;
}

/**
 * File systems keep times as coarse as 2 s (FAT) or 1 s (ext3, HFS+): a file checked less than
 * this after its mtime could be rewritten, same size, under the same mtime.
 */
export const RACY_MS = 3000;
/** Positions of files that left their path, kept this many at most (the oldest go first). */
const MAX_DETACHED = 4096;

interface TrackedFile extends Omit<TailPosition, 'racy'> {
  /** `[offset, scannedTo)` is a partial line already searched: no newline there. */
  scannedTo: number;
  /**
   * The first and the last few bytes before `scannedTo`. Appending never changes them; a rewrite
   * in place (same inode, any new size) almost surely does, and is then read again from its start.
   */
  fingerprint: Buffer;
  /** Wall-clock time of the last read or check of its content. */
  checkedAt: number;
}

/** A file that left its path, by identity: where it stood, so it goes on from there if it turns up again. */
interface Detached {
  path: string;
  position: TrackedFile;
  /** Set while a read of it, detached mid-way, has not ended: its position is final only then. */
  settling: Promise<void> | null;
}

/** Bytes of the fingerprint taken from the start of the file, and from just before `scannedTo`. */
const FINGERPRINT_HEAD = 128;
const FINGERPRINT_TAIL = 128;
const NO_BYTES = Buffer.alloc(0);
/** Longer than any fingerprint: never equal to one. */
const SHRANK = Buffer.alloc(FINGERPRINT_HEAD + FINGERPRINT_TAIL + 1);

interface RunningRead {
  again: boolean;
  forgotten: boolean;
  /** Detached rather than forgotten: where delivery stopped is kept (`Detached`) at its end. */
  keepPosition: boolean;
  verify: boolean;
  done: Promise<void>;
}

export class TranscriptTail {
  private readonly tracked = new Map<string, TrackedFile>();
  /** Identity → the path it is followed under. */
  private readonly byIdentity = new Map<string, string>();
  /** Identity → a file that left its path (deleted, replaced, detached). */
  private readonly detached = new Map<string, Detached>();
  /** Paths found to name a file followed under another path, at the last read: that path. */
  private readonly aliases = new Map<string, string>();
  /** Identity → the read that has it open now. */
  private readonly reading = new Map<string, RunningRead>();
  /** Files reported unreadable, with the stat signature they had then. */
  private readonly problems = new Map<string, string>();
  private readonly running = new Map<string, RunningRead>();

  constructor(private readonly options: TranscriptTailOptions) {}

  /**
   * Delivers the lines completed in `file` since the last read. Never rejects for file problems
   * (those go to `onProblem`). If `onLine` throws, the remaining lines are still delivered and
   * the first error is rethrown at the end. Calls for the same file never overlap: a call made
   * while one runs waits for it and one more pass (or, if the file was forgotten meanwhile, for a
   * fresh read of its own: the forgotten one delivers nothing more).
   */
  read(file: string, startAt?: TailStart, options: TailReadOptions = {}): Promise<void> {
    const current = this.running.get(file);
    if (current?.forgotten) return current.done.catch(() => undefined).then(() => this.read(file, startAt, options));
    if (current) {
      current.again = true;
      current.verify ||= options.verify === true;
      return current.done;
    }
    const run: RunningRead = { again: false, forgotten: false, keepPosition: false, verify: options.verify === true, done: Promise.resolve() };
    run.done = (async () => {
      try {
        do {
          run.again = false;
          await this.readOnce(file, startAt ?? 'start', run);
          run.verify = false;
        } while (run.again && !run.forgotten);
      } finally {
        if (this.running.get(file) === run) this.running.delete(file);
      }
    })();
    this.running.set(file, run);
    return run.done;
  }

  /** Drops what the tail knows of `file`: the next read starts it afresh. */
  forget(file: string): void {
    const tracked = this.tracked.get(file);
    if (tracked) this.untrack(file, tracked);
    this.problems.delete(file);
    this.aliases.delete(file);
    const current = this.running.get(file);
    if (current) current.forgotten = true;
  }

  /**
   * `file` no longer names what was followed there (gone from a listing, say): stop following it
   * under that name, but keep where it stood, by identity, in case it turns up again (a rename):
   * it then goes on from there (`onMoved`). No reset is reported here; the caller says it.
   */
  detach(file: string): void {
    this.problems.delete(file);
    this.aliases.delete(file);
    const tracked = this.tracked.get(file);
    const current = this.running.get(file);
    if (tracked) {
      this.untrack(file, tracked);
      this.keepDetached(file, tracked, current && !current.forgotten ? current.done : null);
    }
    if (current && !current.forgotten) {
      current.forgotten = true;
      current.keepPosition = true;
    }
  }

  /** Where the tail stands in `file`, or undefined if it does not follow it. */
  position(file: string): TailPosition | undefined {
    const tracked = this.tracked.get(file);
    if (!tracked) return undefined;
    const { offset, lineNumber, size, mtimeMs, ctimeMs, dev, ino, birthtimeMs } = tracked;
    return { offset, lineNumber, size, mtimeMs, ctimeMs, dev, ino, birthtimeMs, racy: isRacy(tracked) };
  }

  /** The path the file at `file` is followed under, when `file` was found to be another name for it. */
  aliasOf(file: string): string | undefined {
    return this.aliases.get(file);
  }

  /** The path a file is followed under, by identity (device and inode). */
  pathOf(stats: { dev: number; ino: number }): string | undefined {
    return this.byIdentity.get(identity(stats));
  }

  /** Whether a file that left its path is remembered, to go on where it stood if it turns up. */
  isDetached(stats: { dev: number; ino: number }): boolean {
    return this.detached.has(identity(stats));
  }

  private track(file: string, tracked: TrackedFile): void {
    const previous = this.tracked.get(file);
    if (previous && identity(previous) !== identity(tracked) && this.byIdentity.get(identity(previous)) === file) this.byIdentity.delete(identity(previous));
    this.tracked.set(file, tracked);
    this.byIdentity.set(identity(tracked), file);
  }

  private untrack(file: string, tracked: TrackedFile): void {
    this.tracked.delete(file);
    if (this.byIdentity.get(identity(tracked)) === file) this.byIdentity.delete(identity(tracked));
  }

  private keepDetached(file: string, position: TrackedFile, running: Promise<void> | null): void {
    const key = identity(position);
    const entry: Detached = { path: file, position, settling: null };
    if (running) {
      entry.settling = running.then(
        () => void (entry.settling = null),
        () => void (entry.settling = null),
      );
    }
    this.detached.delete(key);
    this.detached.set(key, entry);
    if (this.detached.size > MAX_DETACHED) this.detached.delete(this.detached.keys().next().value as string);
  }

  /** Stops following `file` because its file left it (deleted, replaced), keeping where it stood. */
  private leave(file: string, tracked: TrackedFile): void {
    this.untrack(file, tracked);
    this.keepDetached(file, tracked, null);
  }

  /** Whether `file` was reported unreadable and has not changed since. */
  hasProblem(file: string): boolean {
    return this.problems.has(file);
  }

  private async readOnce(file: string, startAt: TailStart, run: RunningRead): Promise<void> {
    const reported = this.problems.get(file);
    if (reported !== undefined) {
      if ((await statSignature(file)) === reported) return;
      this.problems.delete(file);
    }

    // Only regular files are opened, and without blocking: a FIFO or device named like a
    // transcript is reported here, never waited on.
    let handle: FileHandle;
    let stats: Stats;
    try {
      ({ handle, stats } = await openRegularFile(file));
    } catch (error) {
      // Deleted, or now something else (a FIFO, a loop): whatever comes back under this name is a
      // new file. A file that cannot be read for now (EACCES) is still the file that was read.
      if (isMissing(error) || isNoLongerAFile(error)) {
        const tracked = this.tracked.get(file);
        if (tracked) {
          this.leave(file, tracked);
          this.options.onReset?.(file, 'deleted');
        }
        this.aliases.delete(file);
      }
      if (!isMissing(error)) this.report(file, error, await statSignature(file));
      return;
    }

    const signature = signatureOf(stats);
    const key = identity(stats);
    this.reading.set(key, run);
    let listenerError: { error: unknown } | undefined;
    /** Where delivery stopped when the read was detached mid-way: the first line not delivered. */
    let stoppedAt: { offset: number; lineNumber: number } | null = null;
    let tracked: TrackedFile | undefined;
    try {
      tracked = this.tracked.get(file);
      if (tracked && !sameFile(tracked, stats)) {
        // Another file under the name: the one followed may turn up elsewhere (a rename).
        this.leave(file, tracked);
        this.options.onReset?.(file, 'replaced');
        tracked = undefined;
      }
      if (tracked) {
        const reset = await changedUnderUs(handle, stats, tracked, run.verify);
        if (reset !== null) {
          tracked = fresh(stats, 0, 1);
          this.options.onReset?.(file, reset);
        }
      } else {
        const arrived = await this.arrival(file, handle, stats, startAt, run);
        if (arrived === null) return;
        tracked = arrived;
      }

      if (stats.size > tracked.scannedTo) {
        // The head of what the lines about to be read build on: as checked before (or, from line 1,
        // as it is now). A rewrite in place changes it (a transcript's first line is unique), so the
        // head of the fingerprint taken after the read tells a rewrite that landed mid-read.
        const headBefore =
          tracked.scannedTo > 0 ? tracked.fingerprint.subarray(0, Math.min(FINGERPRINT_HEAD, tracked.scannedTo)) : await fingerprintOf(handle, Math.min(FINGERPRINT_HEAD, stats.size));
        let delivered = 0;
        const result = await readCompleteLinesFromHandle(
          handle,
          tracked.offset,
          tracked.lineNumber,
          (line, lineNumber, byteOffset) => {
            if (run.forgotten) {
              stoppedAt ??= { offset: lineNumber === 1 ? 0 : byteOffset, lineNumber };
              return;
            }
            delivered++;
            try {
              this.options.onLine(file, line, lineNumber, byteOffset);
            } catch (error) {
              // A consumer's bug must not stall the file: keep going, rethrow once at the end.
              listenerError ??= { error };
            }
          },
          { noNewlineBefore: tracked.scannedTo },
        );
        const movedOn = result.scannedTo !== tracked.scannedTo;
        tracked = { ...tracked, offset: result.endOffset, lineNumber: result.nextLineNumber, scannedTo: result.scannedTo };
        // Null when the file shrank meanwhile: no fingerprint matches that, so the next read starts over.
        if (movedOn) tracked.fingerprint = (await fingerprintOf(handle, tracked.scannedTo)) ?? SHRANK;
        if (delivered > 0 && !run.forgotten) this.options.onBatchEnd?.(file, result.endOffset, result.nextLineNumber);
        if (movedOn && !sameHead(tracked.fingerprint, headBefore)) {
          // Rewritten while it was being read: part of what was delivered came from the old bytes,
          // part from the new. Start over from line 1 in one more pass.
          this.options.onReset?.(file, 'rewritten');
          tracked = fresh(stats, 0, 1);
          run.again = true;
        }
      }
      tracked.size = stats.size;
      tracked.mtimeMs = stats.mtimeMs;
      tracked.ctimeMs = stats.ctimeMs;
      tracked.checkedAt = Date.now();
      if (!run.forgotten) this.track(file, tracked);
      else if (run.keepPosition) {
        // Detached mid-read: keep where delivery stopped, for the path it may turn up under.
        if (stoppedAt !== null) {
          const { offset, lineNumber } = stoppedAt;
          tracked = { ...tracked, offset, lineNumber, scannedTo: offset, fingerprint: (await fingerprintOf(handle, offset)) ?? SHRANK };
        }
        this.keepDetached(file, tracked, null);
      }
    } catch (error) {
      this.report(file, error, signature);
    } finally {
      if (this.reading.get(key) === run) this.reading.delete(key);
      await handle.close();
    }
    if (listenerError) throw listenerError.error;
  }

  /**
   * The position to read `file` from, its file being new under this name: where it stood if it is
   * a followed file that left its path (renamed here); null, reading nothing, if it is another name
   * of a file followed under a path that still names it (an alias: that path is read), or if a
   * read of where it came from has not ended yet (read again once it has).
   */
  private async arrival(file: string, handle: FileHandle, stats: Stats, startAt: TailStart, run: RunningRead): Promise<TrackedFile | null> {
    const key = identity(stats);
    this.aliases.delete(file);
    const busy = this.reading.get(key);
    if (busy !== undefined && busy !== run && busy.keepPosition) {
      // Being read under a path it was detached from: where that read stops is where this one starts.
      void busy.done.catch(() => undefined).then(() => this.read(file, startAt, { verify: true }));
      return null;
    }
    const elsewhere = this.byIdentity.get(key);
    if (elsewhere !== undefined && elsewhere !== file) {
      if (await stillNames(elsewhere, stats)) {
        this.aliases.set(file, elsewhere);
        return null;
      }
      // It left there for here: what was read there goes on here.
      const other = this.tracked.get(elsewhere);
      if (other) {
        this.detach(elsewhere);
        this.options.onReset?.(elsewhere, 'deleted');
      }
    }
    const left = this.detached.get(key);
    if (left && sameFile(left.position, stats)) {
      if (left.settling !== null) {
        // Its last read there has not ended: read here once it has.
        void left.settling.then(() => this.read(file, startAt, { verify: true }));
        return null;
      }
      this.detached.delete(key);
      const reset = await changedUnderUs(handle, stats, left.position, true);
      if (reset === null) {
        // Nothing was delivered of it yet: there is nothing to go on from, only where to read.
        if (left.position.lineNumber > 1) this.options.onMoved?.(file, left.path);
        return { ...left.position };
      }
      // Changed since: read from line 1, and say so where the earlier lines were not said gone.
      if (left.path !== file) this.options.onReset?.(file, reset);
      return fresh(stats, 0, 1);
    }
    return this.startPosition(handle, stats, startAt);
  }

  private async startPosition(handle: FileHandle, stats: Stats, startAt: TailStart): Promise<TrackedFile> {
    if (startAt === 'start') return fresh(stats, 0, 1);
    // A file now smaller than where it was to be started from was rewritten: read it all.
    if (startAt > stats.size || startAt <= 0) return fresh(stats, 0, 1);
    // Count the lines before the boundary so line numbers stay true.
    const counted = await readCompleteLinesFromHandle(handle, 0, 1, ignoreLine, { until: startAt });
    const position = fresh(stats, counted.endOffset, counted.nextLineNumber);
    position.scannedTo = counted.scannedTo;
    position.fingerprint = (await fingerprintOf(handle, position.scannedTo)) ?? SHRANK;
    return position;
  }

  private report(file: string, error: unknown, signature: string): void {
    if (this.problems.get(file) === signature) return;
    this.problems.set(file, signature);
    this.options.onProblem?.(file, error instanceof Error ? error : new Error(String(error)));
  }
}

function fresh(stats: Stats, offset: number, lineNumber: number): TrackedFile {
  const { size, mtimeMs, ctimeMs, dev, ino, birthtimeMs } = stats;
  return { offset, lineNumber, scannedTo: offset, fingerprint: NO_BYTES, size, mtimeMs, ctimeMs, dev, ino, birthtimeMs, checkedAt: Date.now() };
}

/** Changed so shortly before it was last checked that a same-size rewrite could keep its times. */
function isRacy(tracked: TrackedFile): boolean {
  return tracked.checkedAt - Math.max(tracked.mtimeMs, tracked.ctimeMs) < RACY_MS;
}

/** Whether `file` still names the file `stats` describes. */
async function stillNames(file: string, stats: Stats): Promise<boolean> {
  try {
    return sameFile(stats, await stat(fsPath(file)));
  } catch {
    return false;
  }
}

/**
 * Why what was read of a followed file no longer holds, or null when it still does: another file
 * under the name, shorter than what was searched, or (when its size or time changed) different
 * bytes where the fingerprint was taken.
 */
async function changedUnderUs(handle: FileHandle, stats: Stats, tracked: TrackedFile, verify: boolean): Promise<TailResetReason | null> {
  if (!sameFile(tracked, stats)) return 'replaced';
  if (stats.size < tracked.scannedTo) return 'truncated';
  if (tracked.scannedTo === 0) return null;
  // Size and both times unchanged: unchanged, unless asked to look (a watch event) or the last
  // check came so soon after the last change that a same-size rewrite could hide (racy).
  if (!verify && !isRacy(tracked) && stats.size === tracked.size && stats.mtimeMs === tracked.mtimeMs && stats.ctimeMs === tracked.ctimeMs) return null;
  const now = await fingerprintOf(handle, tracked.scannedTo);
  if (now === null) return 'truncated';
  return now.equals(tracked.fingerprint) ? null : 'rewritten';
}

/**
 * The first `FINGERPRINT_HEAD` bytes and the last `FINGERPRINT_TAIL` bytes before `end` (fewer near
 * the start); null when the file no longer reaches `end`.
 */
async function fingerprintOf(handle: FileHandle, end: number): Promise<Buffer | null> {
  if (end <= 0) return NO_BYTES;
  const headLength = Math.min(FINGERPRINT_HEAD, end);
  const tailStart = Math.max(headLength, end - FINGERPRINT_TAIL);
  const print = Buffer.alloc(headLength + (end - tailStart));
  const reads = [handle.read(print, 0, headLength, 0)];
  if (end > tailStart) reads.push(handle.read(print, headLength, end - tailStart, tailStart));
  const got = await Promise.all(reads);
  return got.reduce((sum, r) => sum + r.bytesRead, 0) < print.length ? null : print;
}

/** Whether a fingerprint taken now starts with the head taken before (as far as both reach). */
function sameHead(print: Buffer, headBefore: Buffer | null): boolean {
  if (headBefore === null || print === SHRANK) return false;
  const length = Math.min(print.length, headBefore.length, FINGERPRINT_HEAD);
  return print.subarray(0, length).equals(headBefore.subarray(0, length));
}

/** Same inode, and (where recorded) same birth time: an inode number can be reused at once. */
export function sameFile(known: Pick<TailPosition, 'dev' | 'ino' | 'birthtimeMs'>, stats: Stats): boolean {
  if (known.dev !== stats.dev || known.ino !== stats.ino) return false;
  return known.birthtimeMs === 0 || stats.birthtimeMs === 0 || known.birthtimeMs === stats.birthtimeMs;
}

function ignoreLine(): void {}

function signatureOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.mode}`;
}

async function statSignature(file: string): Promise<string> {
  try {
    return signatureOf(await stat(fsPath(file)));
  } catch (error) {
    return `error:${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

function isNoLongerAFile(error: unknown): boolean {
  return error instanceof NotRegularFileError || (error as NodeJS.ErrnoException).code === 'ELOOP';
}

/** Deleted, or a folder on its path is gone (ENOTDIR: a file where the folder was). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
