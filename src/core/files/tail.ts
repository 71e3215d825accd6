// Follows transcript files: each read delivers only the lines completed since the last one.
import type { Stats } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
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
}

/** What the tail knows of a file it follows. */
export interface TailPosition {
  /** Offset just past the last delivered line. */
  offset: number;
  /** The number the next line will get (1-based). */
  lineNumber: number;
  /** Size and mtime at the last read. */
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  /** 0 where the file system does not record it. */
  birthtimeMs: number;
}

interface TrackedFile extends TailPosition {
  /** `[offset, scannedTo)` is a partial line already searched: no newline there. */
  scannedTo: number;
  /**
   * The first and the last few bytes before `scannedTo`. Appending never changes them; a rewrite
   * in place (same inode, any new size) almost surely does, and is then read again from its start.
   */
  fingerprint: Buffer;
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
  done: Promise<void>;
}

export class TranscriptTail {
  private readonly tracked = new Map<string, TrackedFile>();
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
  read(file: string, startAt?: TailStart): Promise<void> {
    const current = this.running.get(file);
    if (current?.forgotten) return current.done.catch(() => undefined).then(() => this.read(file, startAt));
    if (current) {
      current.again = true;
      return current.done;
    }
    const run: RunningRead = { again: false, forgotten: false, done: Promise.resolve() };
    run.done = (async () => {
      try {
        do {
          run.again = false;
          await this.readOnce(file, startAt ?? 'start', run);
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
    this.tracked.delete(file);
    this.problems.delete(file);
    const current = this.running.get(file);
    if (current) current.forgotten = true;
  }

  /** Where the tail stands in `file`, or undefined if it does not follow it. */
  position(file: string): TailPosition | undefined {
    const tracked = this.tracked.get(file);
    if (!tracked) return undefined;
    const { offset, lineNumber, size, mtimeMs, dev, ino, birthtimeMs } = tracked;
    return { offset, lineNumber, size, mtimeMs, dev, ino, birthtimeMs };
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
        if (this.tracked.delete(file)) this.options.onReset?.(file, 'deleted');
      }
      if (!isMissing(error)) this.report(file, error, await statSignature(file));
      return;
    }

    const signature = signatureOf(stats);
    let listenerError: { error: unknown } | undefined;
    try {
      let tracked = this.tracked.get(file);
      const reset = tracked === undefined ? null : await changedUnderUs(handle, stats, tracked);
      if (reset !== null) {
        tracked = fresh(stats, 0, 1);
        this.options.onReset?.(file, reset);
      }
      if (!tracked) tracked = await this.startPosition(handle, stats, startAt);

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
            if (run.forgotten) return;
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
      if (!run.forgotten) this.tracked.set(file, tracked);
    } catch (error) {
      this.report(file, error, signature);
    } finally {
      await handle.close();
    }
    if (listenerError) throw listenerError.error;
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
  const { size, mtimeMs, dev, ino, birthtimeMs } = stats;
  return { offset, lineNumber, scannedTo: offset, fingerprint: NO_BYTES, size, mtimeMs, dev, ino, birthtimeMs };
}

/**
 * Why what was read of a followed file no longer holds, or null when it still does: another file
 * under the name, shorter than what was searched, or (when its size or time changed) different
 * bytes where the fingerprint was taken.
 */
async function changedUnderUs(handle: FileHandle, stats: Stats, tracked: TrackedFile): Promise<TailResetReason | null> {
  if (!sameFile(tracked, stats)) return 'replaced';
  if (stats.size < tracked.scannedTo) return 'truncated';
  if (tracked.scannedTo === 0 || (stats.size === tracked.size && stats.mtimeMs === tracked.mtimeMs)) return null;
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
    return signatureOf(await stat(file));
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
