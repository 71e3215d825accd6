// Reads a region of a transcript backwards, newest line first, until a line is found. Used to
// find the last success before a failure without looking at every line on the way in: the
// answer is nearly always a few lines back, and failures are rare.
import { closeSync, readSync } from 'node:fs';
import type { LinesBefore } from './lines';
import { openRegularFileSync } from './regularFile';

const FIRST_CHUNK = 64 * 1024;
const LARGEST_CHUNK = 1024 * 1024;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

/**
 * Visits the complete lines of `file` in `[start, end)` from the last to the first, until
 * `visit` returns true. `end` is the offset just after a newline (the start of the line numbered
 * `endLineNumber`), `start` the start of a line. Returns the line number `visit` accepted, or null.
 * Lines are passed without their newline or CR; a line's buffer is valid only during the call.
 * `held`: lines of the file the caller already has in memory (a scan's read chunk), taken from
 * there instead of the disk; the file is opened only if the search goes past them.
 */
export function findLineBackwardSync(
  file: string,
  start: number,
  end: number,
  endLineNumber: number,
  visit: (line: Buffer, lineNumber: number) => boolean,
  held?: LinesBefore,
): number | null {
  if (end <= start) return null;
  let fd: number | null = null;
  try {
    // The newline ending the region's last line is not a separator: leave it out.
    let position = end - 1;
    let lineNumber = endLineNumber;
    // Pieces of the line being assembled, the latest piece first (read order is backwards).
    let pieces: Buffer[] = [];
    let chunkSize = FIRST_CHUNK;

    const offer = (): boolean => {
      const line = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces.reverse());
      pieces = [];
      lineNumber--;
      const trimmed = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
      return trimmed.length > 0 && visit(trimmed, lineNumber);
    };

    while (position > start) {
      let chunk: Buffer;
      if (held && position > held.offset && position <= held.offset + held.bytes.length) {
        chunk = held.bytes.subarray(Math.max(start, held.offset) - held.offset, position - held.offset);
      } else {
        const size = Math.min(chunkSize, position - start);
        chunkSize = Math.min(chunkSize * 2, LARGEST_CHUNK);
        chunk = Buffer.allocUnsafe(size);
        fd ??= openRegularFileSync(file); // never blocks, even if a FIFO took the file's place
        const read = readSync(fd, chunk, 0, size, position - size);
        if (read < size) return null; // the file shrank under us: nothing trustworthy to find
      }
      const size = chunk.length;
      position -= size;
      let cursor = size;
      for (;;) {
        const newline = cursor > 0 ? chunk.lastIndexOf(NEWLINE, cursor - 1) : -1;
        if (newline < 0) {
          if (cursor > 0) pieces.push(chunk.subarray(0, cursor));
          break;
        }
        pieces.push(chunk.subarray(newline + 1, cursor));
        if (offer()) return lineNumber;
        cursor = newline;
      }
    }
    return pieces.length > 0 && offer() ? lineNumber : null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
