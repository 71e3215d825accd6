// Follows transcript files: each read delivers only the lines completed since the last one.
import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { readCompleteLinesFromHandle } from './lines';

/**
 * Where a file the tail has not seen yet starts: at its first line, after its last complete line,
 * or after the last complete line before a byte offset (the size it had when it was listed, so
 * what was appended since is still delivered).
 */
export type TailStart = 'start' | 'end' | number;

export type TailResetReason = 'deleted' | 'truncated' | 'replaced';

export interface TranscriptTailOptions {
  /** Gets every newly completed line. `line` is valid only during the call (copy it to keep it). */
  onLine(file: string, line: Buffer, lineNumber: number, byteOffset: number): void;
  /** After a read that delivered at least one line: the batch is complete. */
  onBatchEnd?(file: string, endOffset: number, nextLineNumber: number): void;
  /**
   * A followed file is gone (`deleted`), or was truncated or replaced by a new file: anything
   * derived from its earlier lines is stale. For the latter two its lines follow again from line 1.
   */
  onReset?(file: string, reason: TailResetReason): void;
  /** A file that cannot be read: reported once, then skipped until its size, time or identity changes. */
  onProblem?(file: string, error: Error): void;
  /** Default for files seen for the first time. Default `'start'`. */
  startAt?: 'start' | 'end';
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
}

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
   * while one runs waits for it and one more pass.
   */
  read(file: string, startAt?: TailStart): Promise<void> {
    const current = this.running.get(file);
    if (current) {
      current.again = true;
      return current.done;
    }
    const run: RunningRead = { again: false, forgotten: false, done: Promise.resolve() };
    run.done = (async () => {
      try {
        do {
          run.again = false;
          await this.readOnce(file, startAt ?? this.options.startAt ?? 'start', run);
        } while (run.again && !run.forgotten);
      } finally {
        this.running.delete(file);
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

    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isMissing(error)) {
        // Deleted: whatever comes back under this name is a new file.
        if (this.tracked.delete(file)) this.options.onReset?.(file, 'deleted');
        return;
      }
      this.report(file, error, await statSignature(file));
      return;
    }

    let signature: string | undefined;
    let listenerError: { error: unknown } | undefined;
    try {
      const stats = await handle.stat();
      signature = signatureOf(stats);
      if (!stats.isFile()) throw new Error(`not a regular file: ${file}`);

      let tracked = this.tracked.get(file);
      const replaced = tracked !== undefined && !sameFile(tracked, stats);
      const truncated = tracked !== undefined && stats.size < tracked.offset;
      if (replaced || truncated) {
        tracked = fresh(stats, 0, 1);
        this.options.onReset?.(file, replaced ? 'replaced' : 'truncated');
      }
      if (!tracked) tracked = await this.startPosition(handle, stats, startAt);
      // The partial line shrank: the file was rewritten in place; search it again.
      if (stats.size < tracked.scannedTo) tracked = { ...tracked, scannedTo: tracked.offset };

      if (stats.size > tracked.scannedTo) {
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
        tracked = { ...tracked, offset: result.endOffset, lineNumber: result.nextLineNumber, scannedTo: result.scannedTo };
        if (delivered > 0 && !run.forgotten) this.options.onBatchEnd?.(file, result.endOffset, result.nextLineNumber);
      }
      tracked.size = stats.size;
      tracked.mtimeMs = stats.mtimeMs;
      if (!run.forgotten) this.tracked.set(file, tracked);
    } catch (error) {
      this.report(file, error, signature ?? (await statSignature(file)));
    } finally {
      await handle.close();
    }
    if (listenerError) throw listenerError.error;
  }

  private async startPosition(handle: FileHandle, stats: Stats, startAt: TailStart): Promise<TrackedFile> {
    if (startAt === 'start') return fresh(stats, 0, 1);
    const boundary = startAt === 'end' ? stats.size : startAt;
    // A file now smaller than where it was to be started from was rewritten: read it all.
    if (boundary > stats.size || boundary <= 0) return fresh(stats, 0, 1);
    // Count the lines before the boundary so line numbers stay true.
    const counted = await readCompleteLinesFromHandle(handle, 0, 1, ignoreLine, { until: boundary });
    const position = fresh(stats, counted.endOffset, counted.nextLineNumber);
    position.scannedTo = counted.scannedTo;
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
  return { offset, lineNumber, scannedTo: offset, size, mtimeMs, dev, ino, birthtimeMs };
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

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
