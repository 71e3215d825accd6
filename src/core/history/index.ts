// The persistent history index: per transcript file, its identity (device and inode), how far it
// was read, a fingerprint of what was read, and the failures and retries found there. Opening the
// history again reads only what was appended since; a file rewritten or replaced is read again
// from its start, a file deleted drops out. Kept as one JSON file (in the extension's global
// storage, per set of config dirs); a missing, corrupt or older index is simply rebuilt.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TranscriptEventReader } from '../eventReader';
import { listTranscriptFiles, type SkippedEntry, type TranscriptFile } from '../files/discover';
import { fsPath } from '../files/fsPath';
import { readCompleteLinesSync } from '../files/lines';
import { isJsonObject } from '../json';
import { scanInParallel, scanThreadsFor } from '../scan';
import { isFailureEvent, type ApiFailureEvent } from '../types';

/**
 * Raised whenever the stored events would read differently: an index of another format is rebuilt,
 * never misread. 2: classification of Claude Code 2.1.14x–2.1.27x (category `unknown` read as none,
 * lost connections as `network`, limit windows from the wording); refusals are not failures and are
 * not stored.
 */
export const INDEX_FORMAT = 2;
/** Bytes at each end of the read part that the fingerprint covers. */
const FINGERPRINT_BYTES = 1024;
/** The history never looks further back than this: older files are not read, nor kept. */
export const HISTORY_MAX_AGE_MS = 30 * 86_400_000;

export interface IndexedFile {
  dev: number;
  ino: number;
  /** Size and mtime at the last read: unchanged when both are the same. */
  statSize: number;
  mtimeMs: number;
  /** Offset just past the last complete line read, and the next line's number. */
  endOffset: number;
  nextLine: number;
  /** Hash of the first and last bytes of `[0, endOffset)`. */
  fingerprint: string;
  events: ApiFailureEvent[];
}

export interface IndexData {
  format: number;
  configDirs: string[];
  files: Record<string, IndexedFile>;
}

export interface RefreshStats {
  files: number;
  /** Files read from their start (new, rewritten, replaced). */
  readWhole: number;
  /** Files read from where the last reading stopped. */
  readAppended: number;
  /** Files gone since the last reading. */
  dropped: number;
  bytesRead: number;
}

export interface RefreshOptions {
  /** Files last modified before this are neither read nor kept (default: 30 days before `now`). */
  oldestMs?: number;
  now?: number;
  /** Called every few files while reading: files done of all files that needed reading. */
  onProgress?: (done: number, total: number) => void;
  onSkipped?: (entry: SkippedEntry) => void;
  /** Threads to read new files with (`scanThreadsFor`): default all cores for a big first build, else 1. */
  threads?: number;
}

export function emptyIndex(configDirs: string[]): IndexData {
  return { format: INDEX_FORMAT, configDirs: [...configDirs], files: {} };
}

/** Where the index of `configDirs` lives in `storageDir`. */
export function indexFileFor(storageDir: string, configDirs: string[]): string {
  const key = createHash('sha256').update(JSON.stringify([...configDirs].sort())).digest('hex').slice(0, 16);
  return path.join(storageDir, `history-index-${key}.json`);
}

/** The index stored at `file`, or an empty one when there is none, it cannot be read, or it is another format. */
export function loadIndex(file: string, configDirs: string[]): IndexData {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return emptyIndex(configDirs);
  }
  if (
    !isJsonObject(json) ||
    json.format !== INDEX_FORMAT ||
    !isJsonObject(json.files) ||
    JSON.stringify(json.configDirs) !== JSON.stringify(configDirs)
  ) {
    return emptyIndex(configDirs);
  }
  return json as unknown as IndexData;
}

/** Writes the index atomically (a crash leaves the old one or the new one, never half of one). */
export function saveIndex(file: string, index: IndexData): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(index));
  fs.renameSync(temporary, file);
}

function fingerprint(fd: number, endOffset: number): string {
  const hash = createHash('sha1');
  const head = Buffer.alloc(Math.min(FINGERPRINT_BYTES, endOffset));
  fs.readSync(fd, head, 0, head.length, 0);
  hash.update(head);
  const tailLength = Math.min(FINGERPRINT_BYTES, endOffset - head.length);
  if (tailLength > 0) {
    const tail = Buffer.alloc(tailLength);
    fs.readSync(fd, tail, 0, tailLength, endOffset - tailLength);
    hash.update(tail);
  }
  return hash.digest('hex');
}

function fingerprintOf(file: string, endOffset: number): string | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(fsPath(file), 'r');
    return fingerprint(fd, endOffset);
  } catch {
    return null;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Brings `index` up to date with the transcripts, in place: reads new files whole, appended files
 * from where they were left, rewritten or replaced files again; forgets deleted ones. Throws
 * `ConfigDirError` when a config dir cannot be read.
 */
export async function refreshIndex(index: IndexData, options: RefreshOptions = {}): Promise<RefreshStats> {
  const now = options.now ?? Date.now();
  const oldest = options.oldestMs ?? now - HISTORY_MAX_AGE_MS;
  const listed = await listTranscriptFiles(index.configDirs, { modifiedSinceMs: oldest, onSkipped: options.onSkipped });
  const stats: RefreshStats = { files: listed.length, readWhole: 0, readAppended: 0, dropped: 0, bytesRead: 0 };
  const present = new Set(listed.map((file) => file.path));
  for (const known of Object.keys(index.files)) {
    if (!present.has(known)) {
      delete index.files[known];
      stats.dropped += 1;
    }
  }

  // Decide first, so progress can say how much reading there is. What the listing found of each
  // file (its identity, size and time, from its stat) is what is compared: no second stat.
  const work: Array<{ file: string; stat: TranscriptFile; from: IndexedFile | null }> = [];
  for (const stat of listed) {
    const file = stat.path;
    const known = index.files[file];
    if (known && known.dev === stat.dev && known.ino === stat.ino && known.statSize === stat.size && known.mtimeMs === stat.mtimeMs) continue;
    const appended =
      known !== undefined &&
      known.dev === stat.dev &&
      known.ino === stat.ino &&
      stat.size >= known.endOffset &&
      fingerprintOf(file, known.endOffset) === known.fingerprint;
    work.push({ file, stat, from: appended ? known : null });
  }

  let done = 0;
  const progress = () => {
    done += 1;
    if (options.onProgress && (done % 16 === 0 || done === work.length)) options.onProgress(done, work.length);
  };
  const keep = (file: string, stat: TranscriptFile, events: ApiFailureEvent[], end: { offset: number; nextLine: number }) => {
    index.files[file] = {
      dev: stat.dev,
      ino: stat.ino,
      statSize: stat.size,
      mtimeMs: stat.mtimeMs,
      endOffset: end.offset,
      nextLine: end.nextLine,
      fingerprint: fingerprintOf(file, end.offset) ?? '',
      events,
    };
  };

  // Files read whole (a first build: all of them) are read as `scan` reads them: over its worker
  // threads when they are many bytes, else on this thread, yielding between files.
  const whole = work.filter((item) => item.from === null);
  const threads = scanThreadsFor(
    whole.map((item) => ({ size: item.stat.size })),
    options.threads,
  );
  const scanned = await scanInParallel(
    whole.map((item) => ({ path: item.file, size: item.stat.size })),
    null,
    threads,
    progress,
  );
  whole.forEach(({ file, stat }, i) => {
    const { events, end } = scanned[i];
    // Gone or unreadable since it was listed: nothing of it can be shown.
    if (end === null) delete index.files[file];
    else {
      // Refusals (the model declined) are no failures: the history counts failures only.
      keep(file, stat, events.filter(isFailureEvent), end);
      stats.bytesRead += end.offset;
      stats.readWhole += 1;
    }
  });

  // Files appended to since they were indexed: read on from where the index stopped.
  for (const { file, stat, from } of work) {
    if (from === null) continue;
    const events: ApiFailureEvent[] = from.events;
    const reader = new TranscriptEventReader((event) => {
      if (isFailureEvent(event)) events.push(event);
    });
    const startOffset = from.endOffset;
    try {
      const result = readCompleteLinesSync(file, startOffset, from.nextLine, (line, lineNumber, byteOffset) =>
        reader.acceptLine(file, line, lineNumber, byteOffset),
      );
      stats.bytesRead += result.endOffset - startOffset;
      stats.readAppended += 1;
      keep(file, stat, events, { offset: result.endOffset, nextLine: result.nextLineNumber });
    } catch {
      // Gone or unreadable since it was listed: nothing of it can be shown (discovery names unreadable entries).
      delete index.files[file];
    } finally {
      reader.forget(file);
    }
    progress();
    // Let timers and messages run between files.
    if (done % 16 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return stats;
}

/** Every failure and retry in the index at or after `sinceMs` (null: all), oldest first. */
export function indexedEvents(index: IndexData, sinceMs: number | null): ApiFailureEvent[] {
  const events: Array<{ event: ApiFailureEvent; at: number }> = [];
  for (const entry of Object.values(index.files)) {
    for (const event of entry.events) {
      const at = event.timestamp ? Date.parse(event.timestamp) : NaN;
      if (Number.isNaN(at) || (sinceMs !== null && at < sinceMs)) continue;
      events.push({ event, at });
    }
  }
  return events.sort((a, b) => a.at - b.at).map(({ event }) => event);
}

/**
 * node:crypto, loaded on first use: this module is on the extension's activation path, and
 * requiring crypto there cost about 2 ms of every start-up (a fingerprint is only needed later).
 */
function createHash(algorithm: 'sha1' | 'sha256') {
  return process.getBuiltinModule('node:crypto').createHash(algorithm);
}
