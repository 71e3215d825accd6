// Opening a transcript without ever blocking a thread: only regular files are opened, their type is
// checked before (stat) and after (fstat, in case the path changed in between), and the open itself
// is non-blocking, so a FIFO, socket or device named like a transcript can never stall the
// thread pool or the event loop.
import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { displayPath, fsPath } from './fsPath';

/** Read-only, non-blocking, never a controlling terminal (the last two are 0 where undefined, as on Windows). */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** A path named like a transcript that is a FIFO, socket, device or directory. */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${kind}, not a regular file: ${displayPath(path)}`);
    this.name = 'NotRegularFileError';
  }
}

/** What a non-regular file is, in words: 'a FIFO', 'a socket', ... */
export function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return stats.isFile() ? 'a regular file' : 'not a file';
}

/**
 * Opens `file` for reading if it is a regular file, with the `fstat` of what was opened. Throws
 * what `stat`/`open` throw (ENOENT, ELOOP, EACCES, ...) or `NotRegularFileError`.
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  const before = await stat(fsPath(file));
  if (!before.isFile()) throw new NotRegularFileError(file, fileKind(before));
  const handle = await open(fsPath(file), READ_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFileError(file, fileKind(stats));
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * `openRegularFile` with blocking calls, for one-shot scans of files discovery has just found
 * regular: the open is non-blocking and what was opened is checked, so no extra `stat` is paid.
 */
export function openRegularFileSync(file: string): number {
  const fd = openSync(fsPath(file), READ_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotRegularFileError(file, fileKind(stats));
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The text of `file` if it is a regular file (a FIFO named `settings.json` is refused, not waited on). */
export async function readRegularFileText(file: string): Promise<string> {
  const { handle } = await openRegularFile(file);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
