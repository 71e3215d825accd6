// The fast line reader: the hot path of a full scan. It works on Buffers with indexOf(10) and never
// decodes a chunk to a string; callers decide per line whether it is worth decoding.
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Receives one complete line, without its `\n` (nor a `\r` before it, nor a UTF-8 BOM at offset 0).
 * `line` is usually a view into a reused read buffer: it is valid only during the call. Copy it
 * (`Buffer.from(line)`) to keep it. Empty lines are delivered too, so line numbers stay true.
 */
export type LineHandler = (line: Buffer, lineNumber: number, byteOffset: number) => void;

export interface LineReadResult {
  /** File offset just past the last complete line: where a trailing partial line starts. */
  endOffset: number;
  /** The number the next complete line will get. */
  nextLineNumber: number;
  /** File offset reading stopped at; `[endOffset, scannedTo)` holds no newline. */
  scannedTo: number;
}

export interface LineReadOptions {
  /** Read no further than this file offset (a line ending at or after it is not delivered). */
  until?: number;
  /**
   * The caller already knows `[fromOffset, noNewlineBefore)` holds no newline (a partial line seen
   * by an earlier read): the search resumes there instead of reading the partial line again.
   */
  noNewlineBefore?: number;
}

const CHUNK_SIZE = 1 << 20;
/** A partial line at least this long is finished by a forward search and one exact-size read. */
const LONG_LINE = CHUNK_SIZE >> 1;
const MAX_SPARE_CHUNKS = 4;
const spareChunks: Buffer[] = [];

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/**
 * Calls `onLine` for every complete line from `fromOffset` to the end of `file`. A trailing partial
 * line (one still being written) is not delivered: `endOffset` stays at its start, so the next call
 * from `endOffset` picks it up whole. Throws what `open`/`read` throw (ENOENT, EISDIR, ...).
 */
export async function readCompleteLines(
  file: string,
  fromOffset: number,
  startLineNumber: number,
  onLine: LineHandler,
  options: LineReadOptions = {},
): Promise<LineReadResult> {
  const handle = await open(file, 'r');
  try {
    return await readCompleteLinesFromHandle(handle, fromOffset, startLineNumber, onLine, options);
  } finally {
    await handle.close();
  }
}

/** `readCompleteLines` on an open handle (the tail reads what it has just `fstat`ed). */
export async function readCompleteLinesFromHandle(
  handle: FileHandle,
  fromOffset: number,
  startLineNumber: number,
  onLine: LineHandler,
  options: LineReadOptions = {},
): Promise<LineReadResult> {
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const chunk = spareChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_SIZE);
  let lineNumber = startLineNumber;

  // `chunk[0]` holds the byte at file offset `chunkOffset`; `chunk[0, filled)` is valid data.
  let chunkOffset = fromOffset;
  let filled = 0;
  // The current line starts at `chunk[lineStart]`; `chunk[lineStart, searchFrom)` has no newline.
  let lineStart = 0;
  let searchFrom = 0;
  // Set when the file ended (a short read) or `until` was reached.
  let atEnd = false;
  // Set when an incomplete long line was searched past what `chunk` describes.
  let scannedToOverride: number | null = null;

  const deliver = (line: Buffer, byteOffset: number): void => {
    let start = 0;
    let end = line.length;
    if (byteOffset === 0 && end >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) start = 3;
    if (end > start && line[end - 1] === CARRIAGE_RETURN) end--;
    onLine(start === 0 && end === line.length ? line : line.subarray(start, end), lineNumber++, byteOffset + start);
  };

  /**
   * The line starting at file offset `longStart` is long: find its newline from `scanFrom` reading
   * into `chunk` without keeping anything, then read the line once into a buffer of its exact size.
   * Memory stays at one line plus one chunk, whatever the line's length. Leaves `chunk` holding the
   * data after the newline, or sets `atEnd` when the line is still incomplete.
   */
  const finishLongLine = async (longStart: number, scanFrom: number): Promise<void> => {
    let position = scanFrom;
    for (;;) {
      const want = Math.min(CHUNK_SIZE, until - position);
      const bytesRead = want > 0 ? (await handle.read(chunk, 0, want, position)).bytesRead : 0;
      const newline = bytesRead > 0 ? chunk.subarray(0, bytesRead).indexOf(NEWLINE) : -1;
      if (newline === -1) {
        if (bytesRead < want || bytesRead === 0) {
          // Still incomplete: the caller resumes at `longStart` (with the hint) next time.
          chunkOffset = longStart;
          filled = 0;
          lineStart = 0;
          searchFrom = 0;
          atEnd = true;
          scannedToOverride = position + bytesRead;
          return;
        }
        position += bytesRead;
        continue;
      }
      const lineEnd = position + newline;
      const line = Buffer.allocUnsafe(lineEnd - longStart);
      await readFully(handle, line, longStart);
      deliver(line, longStart);
      chunkOffset = position;
      filled = bytesRead;
      lineStart = newline + 1;
      searchFrom = newline + 1;
      atEnd = bytesRead < want;
      return;
    }
  };

  try {
    const hint = options.noNewlineBefore ?? fromOffset;
    if (hint - fromOffset >= LONG_LINE) {
      await finishLongLine(fromOffset, Math.min(hint, until));
    }
    while (!atEnd || searchFrom < filled) {
      if (searchFrom >= filled && !atEnd) {
        const want = Math.min(CHUNK_SIZE - filled, until - (chunkOffset + filled));
        const bytesRead = want > 0 ? (await handle.read(chunk, filled, want, chunkOffset + filled)).bytesRead : 0;
        filled += bytesRead;
        // A short read means end of file (for now): no extra read just to see zero bytes.
        if (bytesRead < want || want <= 0) atEnd = true;
      }
      const view = filled === CHUNK_SIZE ? chunk : chunk.subarray(0, filled);
      let newline = view.indexOf(NEWLINE, searchFrom);
      while (newline !== -1) {
        deliver(view.subarray(lineStart, newline), chunkOffset + lineStart);
        lineStart = newline + 1;
        newline = view.indexOf(NEWLINE, lineStart);
      }
      searchFrom = filled;
      if (atEnd) break;

      const partial = filled - lineStart;
      if (partial >= LONG_LINE) {
        await finishLongLine(chunkOffset + lineStart, chunkOffset + filled);
      } else {
        // Keep the short partial line at the front and read the rest of it into the space after.
        if (partial > 0 && lineStart > 0) chunk.copyWithin(0, lineStart, filled);
        chunkOffset += lineStart;
        filled = partial;
        lineStart = 0;
        searchFrom = partial;
      }
    }
    return {
      endOffset: chunkOffset + lineStart,
      nextLineNumber: lineNumber,
      scannedTo: scannedToOverride ?? chunkOffset + filled,
    };
  } finally {
    if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(chunk);
  }
}

async function readFully(handle: FileHandle, target: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`file shrank while reading a line at offset ${position}`);
    done += bytesRead;
  }
}
