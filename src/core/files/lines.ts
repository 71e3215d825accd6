// The fast line reader: the hot path of a full scan. It works on Buffers with indexOf(10) and never
// decodes a chunk to a string; callers decide per line whether it is worth decoding.
//
// The splitting is written once, as a generator that asks for reads; an async driver (FileHandle)
// serves the editor, which must never block, and a sync driver serves one-shot scans (the CLI),
// where each async read costs a thread-pool round trip for nothing.
import { closeSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { openRegularFileSync } from './regularFile';

/**
 * Receives one complete line, without its `\n` (nor a `\r` before it, nor a UTF-8 BOM at offset 0).
 * `line` is a view into a reused read buffer: it is valid only during the call. Copy it
 * (`Buffer.from(line)`) to keep it. Empty lines are delivered too, so line numbers stay true
 * (with `markers`, only lines holding one are delivered; the numbers are still true).
 * `before`, when given, holds whole lines of the file just before this one, also valid only
 * during the call: what a caller looking back from a marked line can have without a read.
 */
export type LineHandler = (line: Buffer, lineNumber: number, byteOffset: number, before?: LinesBefore) => void;

/** Whole lines that end just before a delivered line: `bytes` starts at file offset `offset`, at a line's start. */
export interface LinesBefore {
  bytes: Buffer;
  offset: number;
}

/**
 * A byte string that makes a line worth delivering. It is searched for from its `anchor`-th byte,
 * and by at most its first `NEEDLE_BYTES` bytes from there, the rest compared here: Buffer#indexOf
 * finds a needle of fewer than 8 bytes by memchr on its first byte and a longer one by
 * Boyer-Moore-Horspool, two to three times slower over a transcript; and memchr is fast only on a
 * byte that is rare in JSON (a needle that starts with `"` runs several times slower still).
 */
export class LineMarker {
  private readonly needle: Buffer;

  constructor(
    readonly bytes: Buffer,
    private readonly anchor = 0,
  ) {
    this.needle = bytes.subarray(anchor, anchor + NEEDLE_BYTES);
  }

  /** Where the marker starts in `buffer[from, to)`, or -1. */
  find(buffer: Buffer, from: number, to = buffer.length): number {
    const { anchor, bytes, needle } = this;
    for (let at = buffer.indexOf(needle, from + anchor); at !== -1 && at - anchor + bytes.length <= to; at = buffer.indexOf(needle, at + 1)) {
      const start = at - anchor;
      let i = 0;
      while (i < anchor && buffer[start + i] === bytes[i]) i++;
      if (i < anchor) continue;
      i = anchor + needle.length;
      while (i < bytes.length && buffer[start + i] === bytes[i]) i++;
      if (i === bytes.length) return start;
    }
    return -1;
  }
}

/** The longest needle Buffer#indexOf still searches with memchr (V8's and Node's string search). */
const NEEDLE_BYTES = 7;

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
  /**
   * Deliver only the lines holding one of these (with `before`). Each chunk is searched once per
   * marker instead of every line being handed over: most lines of a transcript are never ours.
   */
  markers?: readonly LineMarker[];
}

/**
 * Calls `onLine` for every complete line from `fromOffset` to the end of the open file (the tail
 * reads what it has just `fstat`ed). A trailing partial line (one still being written) is not
 * delivered: `endOffset` stays at its start, so the next call from `endOffset` picks it up whole.
 * Throws what `read` throws.
 */
export async function readCompleteLinesFromHandle(
  handle: FileHandle,
  fromOffset: number,
  startLineNumber: number,
  onLine: LineHandler,
  options: LineReadOptions = {},
): Promise<LineReadResult> {
  const splitter = splitLines(fromOffset, startLineNumber, onLine, options);
  try {
    let step = splitter.next(0);
    while (!step.done) {
      const { target, offset, length, position } = step.value;
      const { bytesRead } = await handle.read(target, offset, length, position);
      step = splitter.next(bytesRead);
    }
    return step.value;
  } finally {
    splitter.return(undefined as never); // releases the buffers if a read threw
  }
}

/**
 * Every complete line of `file` from `fromOffset`, as `readCompleteLinesFromHandle`, with blocking
 * reads: for one-shot scans of many files (the CLI), where it is several times cheaper. Never use it
 * on the editor's event loop. Throws what `open`/`read` throw (ENOENT, EACCES, ...), and
 * `NotRegularFileError` for anything but a regular file (never opened: a FIFO cannot block).
 */
export function readCompleteLinesSync(
  file: string,
  fromOffset: number,
  startLineNumber: number,
  onLine: LineHandler,
  options: LineReadOptions = {},
): LineReadResult {
  const fd = openRegularFileSync(file);
  const splitter = splitLines(fromOffset, startLineNumber, onLine, options);
  try {
    let step = splitter.next(0);
    while (!step.done) {
      const { target, offset, length, position } = step.value;
      step = splitter.next(readSync(fd, target, offset, length, position));
    }
    return step.value;
  } finally {
    splitter.return(undefined as never);
    closeSync(fd);
  }
}

// ---- the splitter ------------------------------------------------------------------------------

interface ReadRequest {
  target: Buffer;
  offset: number;
  length: number;
  position: number;
}

/** 256 KiB: small enough to stay in the core's cache while a chunk's lines are searched after the read (1 MiB was slower). */
const CHUNK_SIZE = 1 << 18;
/** A partial line at least this long is finished in the kept line buffer (or its own). */
const LONG_LINE = CHUNK_SIZE >> 1;
const MAX_SPARE_CHUNKS = 4;
const spareChunks: Buffer[] = [];
/**
 * Long lines (multi-MB tool results) are read into one kept buffer rather than a fresh one each:
 * fresh memory costs a page fault per 4 KiB, which on some VMs is most of a scan's system time.
 * Longer lines get a buffer of their own, so a 50 MB line does not stay resident.
 */
const MAX_KEPT_LINE_BUFFER = 8 << 20;
let spareLineBuffer: Buffer | null = null;

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const NOWHERE = Number.MAX_SAFE_INTEGER;

/**
 * Yields the reads it needs (and is sent back the bytes read), calls `onLine` per complete line,
 * returns where it stopped. A read shorter than asked means end of file (for now).
 */
function* splitLines(
  fromOffset: number,
  startLineNumber: number,
  onLine: LineHandler,
  options: LineReadOptions,
): Generator<ReadRequest, LineReadResult, number> {
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const markers = options.markers ?? null;
  const chunk = spareChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_SIZE);
  let lineNumber = startLineNumber;

  // `chunk[0]` holds the byte at file offset `chunkOffset`; `chunk[0, filled)` is valid data.
  let chunkOffset = fromOffset;
  let filled = 0;
  // The current line starts at `chunk[lineStart]`; `chunk[lineStart, searchFrom)` has no newline.
  let lineStart = 0;
  let searchFrom = 0;
  // The first line that starts in `chunk` (0 unless the chunk began inside a long line).
  let firstLineStart = 0;
  // Set when the file ended (a short read) or `until` was reached.
  let atEnd = false;
  // Set when an incomplete long line was searched past what `chunk` describes.
  let scannedTo: number | null = null;

  const deliver = (line: Buffer, byteOffset: number, before?: LinesBefore): void => {
    let start = 0;
    let end = line.length;
    if (byteOffset === 0 && end >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) start = 3;
    if (end > start && line[end - 1] === CARRIAGE_RETURN) end--;
    onLine(start === 0 && end === line.length ? line : line.subarray(start, end), lineNumber++, byteOffset + start, before);
  };

  // With markers: where each is next found in the chunk's view, NOWHERE when it is not there at
  // all; -1 when not searched yet.
  const nextAt: number[] = markers === null ? [] : markers.map(() => -1);
  /** The longest marker less a byte: what a long line being searched keeps of each read for the next. */
  const markerOverlap = markers === null ? 0 : Math.max(0, ...markers.map((marker) => marker.bytes.length - 1));
  /** The nearest marker at or after `from`, or NOWHERE; each marker is searched again only once passed. */
  const findMarkers = (view: Buffer, from: number): number => {
    let nearest = NOWHERE;
    for (let i = 0; i < nextAt.length; i++) {
      if (nextAt[i] < from) {
        const found = markers![i].find(view, from);
        nextAt[i] = found === -1 ? NOWHERE : found;
      }
      if (nextAt[i] < nearest) nearest = nextAt[i];
    }
    return nearest;
  };

  /** The line from `longStart` is incomplete: the next call resumes there, searching from `scanned`. */
  const stopIncomplete = (longStart: number, scanned: number): void => {
    chunkOffset = longStart;
    filled = lineStart = searchFrom = 0;
    atEnd = true;
    scannedTo = scanned;
  };

  /**
   * The line from file offset `longStart` is long and `inHand` holds its first bytes: read the
   * rest straight into the kept line buffer, so the line is read once and no fresh memory is
   * touched. Returns the file offset reached if the line outgrows that buffer, else null (the
   * line was delivered, or is still incomplete).
   */
  function* assembleLongLine(longStart: number, inHand: Buffer): Generator<ReadRequest, number | null, number> {
    const buffer = takeLineBuffer();
    try {
      inHand.copy(buffer, 0);
      let done = inHand.length;
      for (;;) {
        const position = longStart + done;
        if (done >= buffer.length) return position;
        if (position >= until) {
          stopIncomplete(longStart, position);
          return null;
        }
        const want = Math.min(CHUNK_SIZE, buffer.length - done, until - position);
        const bytesRead = yield { target: buffer, offset: done, length: want, position };
        const newline = buffer.subarray(done, done + bytesRead).indexOf(NEWLINE);
        if (newline === -1) {
          done += bytesRead;
          if (bytesRead < want) {
            stopIncomplete(longStart, longStart + done);
            return null;
          }
          continue;
        }
        const end = done + newline;
        deliver(buffer.subarray(0, end), longStart);
        // What followed the newline goes back to `chunk`, where the main loop carries on.
        const rest = buffer.subarray(end + 1, done + bytesRead);
        rest.copy(chunk, 0);
        chunkOffset = longStart + end + 1;
        filled = rest.length;
        lineStart = searchFrom = 0;
        atEnd = bytesRead < want;
        return null;
      }
    } finally {
      spareLineBuffer = buffer;
    }
  }

  /** Reads the line of `length` bytes at file offset `longStart` into a buffer of its own (or the kept one) and delivers it. */
  function* readLongLine(longStart: number, length: number): Generator<ReadRequest, void, number> {
    const kept = length <= MAX_KEPT_LINE_BUFFER;
    const lineBuffer = kept ? takeLineBuffer() : Buffer.allocUnsafe(length);
    try {
      for (let done = 0; done < length; ) {
        const got = yield { target: lineBuffer, offset: done, length: length - done, position: longStart + done };
        if (got === 0) throw new Error(`file shrank while a line at offset ${longStart} was read`);
        done += got;
      }
      deliver(lineBuffer.subarray(0, length), longStart);
    } finally {
      if (kept) spareLineBuffer = lineBuffer;
    }
  }

  /**
   * The long line from file offset `longStart`, known to hold no newline up to `chunkOffset + filled`
   * (its last bytes read, from `lineStart`, may be in `chunk`), is read on into `chunk` to its end,
   * keeping nothing: memory stays at one chunk whatever the line's length. Then it is read again,
   * whole, and delivered, unless there are markers and it holds none: with markers each read is
   * searched too (`chunk` keeps the longest marker less a byte of the read before, as a marker may
   * straddle two), and a long line without one (tool output, never ours) costs one read and no memory.
   */
  function* finishLongLine(longStart: number): Generator<ReadRequest, void, number> {
    let marked = markers === null || markers.some((marker) => marker.find(chunk, lineStart, filled) !== -1);
    for (;;) {
      const keep = marked ? 0 : Math.min(markerOverlap, filled - lineStart);
      chunk.copyWithin(0, filled - keep, filled);
      chunkOffset += filled - keep;
      filled = keep;
      lineStart = searchFrom = firstLineStart = 0;
      const position = chunkOffset + filled;
      const want = Math.min(CHUNK_SIZE - filled, until - position);
      const bytesRead = want > 0 ? yield { target: chunk, offset: filled, length: want, position } : 0;
      const newline = bytesRead > 0 ? chunk.subarray(0, filled + bytesRead).indexOf(NEWLINE, filled) : -1;
      if (!marked) marked = markers!.some((marker) => marker.find(chunk, 0, newline === -1 ? filled + bytesRead : newline) !== -1);
      if (newline === -1) {
        if (bytesRead < want || bytesRead === 0) {
          stopIncomplete(longStart, position + bytesRead);
          return;
        }
        filled += bytesRead;
        continue;
      }
      if (marked) yield* readLongLine(longStart, chunkOffset + newline - longStart);
      else lineNumber++;
      filled += bytesRead;
      lineStart = searchFrom = firstLineStart = newline + 1;
      atEnd = bytesRead < want;
      return;
    }
  }

  try {
    const hint = options.noNewlineBefore ?? fromOffset;
    if (hint - fromOffset >= LONG_LINE) {
      // Markers found in what an earlier call searched are not known here: with markers, the line
      // is searched again from its start; without, reading resumes where the last call stopped.
      if (markers === null) chunkOffset = Math.min(hint, until);
      yield* finishLongLine(fromOffset);
    }
    while (!atEnd || searchFrom < filled) {
      if (searchFrom >= filled && !atEnd) {
        const want = Math.min(CHUNK_SIZE - filled, until - (chunkOffset + filled));
        const bytesRead = want > 0 ? yield { target: chunk, offset: filled, length: want, position: chunkOffset + filled } : 0;
        filled += bytesRead;
        // A short read means end of file: no extra read just to see zero bytes.
        if (bytesRead < want || want <= 0) atEnd = true;
      }
      const view = filled === CHUNK_SIZE ? chunk : chunk.subarray(0, filled);
      let newline = view.indexOf(NEWLINE, searchFrom);
      if (markers === null) {
        while (newline !== -1) {
          deliver(view.subarray(lineStart, newline), chunkOffset + lineStart);
          lineStart = newline + 1;
          newline = view.indexOf(NEWLINE, lineStart);
        }
      } else {
        // Only lines holding a marker are handed over; the others are counted. A marker holds no
        // newline, so one found before a line's end lies within that line.
        nextAt.fill(-1);
        let marked = findMarkers(view, lineStart);
        while (newline !== -1) {
          if (marked < newline) {
            deliver(view.subarray(lineStart, newline), chunkOffset + lineStart, { bytes: view.subarray(firstLineStart, lineStart), offset: chunkOffset + firstLineStart });
            marked = findMarkers(view, newline + 1);
          } else {
            lineNumber++;
          }
          lineStart = newline + 1;
          newline = view.indexOf(NEWLINE, lineStart);
        }
      }
      searchFrom = filled;
      if (atEnd) break;

      const partial = filled - lineStart;
      if (partial >= LONG_LINE && markers !== null) {
        yield* finishLongLine(chunkOffset + lineStart);
      } else if (partial >= LONG_LINE) {
        const longStart = chunkOffset + lineStart;
        const outgrown = yield* assembleLongLine(longStart, chunk.subarray(lineStart, filled));
        firstLineStart = 0;
        if (outgrown !== null) {
          // It outgrew the kept buffer, which holds it up to `outgrown`: go on from there.
          chunkOffset = outgrown;
          filled = lineStart = 0;
          yield* finishLongLine(longStart);
        }
      } else {
        // Keep the short partial line at the front and read the rest of it into the space after.
        if (partial > 0 && lineStart > 0) chunk.copyWithin(0, lineStart, filled);
        chunkOffset += lineStart;
        filled = partial;
        lineStart = firstLineStart = 0;
        searchFrom = partial;
      }
    }
    return { endOffset: chunkOffset + lineStart, nextLineNumber: lineNumber, scannedTo: scannedTo ?? chunkOffset + filled };
  } finally {
    if (spareChunks.length < MAX_SPARE_CHUNKS) spareChunks.push(chunk);
  }
}

/** The kept long-line buffer, taken so that concurrent reads never share it, or a new one. */
function takeLineBuffer(): Buffer {
  const spare = spareLineBuffer;
  spareLineBuffer = null;
  return spare ?? Buffer.allocUnsafeSlow(MAX_KEPT_LINE_BUFFER);
}
