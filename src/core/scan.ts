// A full pass over the transcripts: every retry and final failure, with its session context.
// A file's events depend on that file alone, so large scans spread the files over worker threads
// (a lazy module, src/core/lazy/scanWorker.ts) and put the results back in file order: the output
// is the same as a single thread's, byte for byte.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { listTranscriptFiles, skippedEntryOf, type SkippedEntry, type TranscriptFile } from './files/discover';
import { FormatCanary, type UnknownShape } from './canary';
import { readCompleteLinesSync } from './files/lines';
import { EVENT_LINE_MARKERS, TranscriptEventReader } from './eventReader';
import { isFailureEvent, isRefusalEvent, type ApiFailureEvent, type ApiRefusalEvent, type StatusSource } from './types';

/** What a scan finds: failures and retries, and (listed apart, never counted as failures) refusals. */
export type ScannedEvent = ApiFailureEvent | ApiRefusalEvent;

export interface ScanOptions {
  configDirs: string[];
  /** Only events at or after this time (epoch ms); null for everything. */
  sinceMs: number | null;
  /** Each entry that could not be read (a symlink loop, a FIFO, an unreadable file, ...), skipped. */
  onSkipped?: (entry: SkippedEntry) => void;
  /** Counts the error lines that cannot be read and the versions seen (ARCHITECTURE.md §1.1); all lines, whatever `sinceMs`. */
  canary?: FormatCanary;
  /** Threads to read with, the calling one included: default `scanThreadsFor`'s. */
  threads?: number;
}

/**
 * Below this many bytes, starting a worker costs more than it saves: a worker takes about 0.1 s of
 * CPU to start, and at 100 MB one thread finished first (0.20 s against 0.25 s for two).
 */
export const PARALLEL_SCAN_MIN_BYTES = 128 * 1024 * 1024;
const MAX_SCAN_THREADS = 4;

/**
 * Below this many cores, one thread reads alone. On two, a second reading thread made no scan
 * sooner (V8's own threads, which compile and collect garbage, want the second core too) and
 * cost a worker's start-up: in paired runs one thread took 0.97 to 1.02 of two's time on the
 * 410 MB dense, 1 GB sparse and huge-lines corpora with 13 to 26 % less CPU, and on a heavy
 * user's month (1,200 files, 410 MB) 0.7 of the time with a fifth less CPU.
 */
const MIN_CORES_FOR_WORKERS = 3;

/**
 * Threads to read `files` with: `requested`, else, from `PARALLEL_SCAN_MIN_BYTES` on and with
 * `MIN_CORES_FOR_WORKERS` cores or more, one per core (at most 4); else 1.
 */
export function scanThreadsFor(files: ReadonlyArray<{ size: number }>, requested?: number, cores = availableParallelism()): number {
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const parallel = bytes >= PARALLEL_SCAN_MIN_BYTES && cores >= MIN_CORES_FOR_WORKERS;
  return Math.max(1, Math.min(files.length, requested ?? (parallel ? Math.min(cores, MAX_SCAN_THREADS) : 1)));
}

/** Every failure and retry under the config dirs, in time order. Throws `ConfigDirError` when a dir cannot be read. */
export async function scanConfigDirs(options: ScanOptions): Promise<ApiFailureEvent[]> {
  return (await scanConfigDirsWithRefusals(options)).filter(isFailureEvent);
}

/** The same with the refusals among them (`scan` lists them as kind `refusal`). */
export async function scanConfigDirsWithRefusals(options: ScanOptions): Promise<ScannedEvent[]> {
  const since = options.sinceMs;
  // A file last written before `since` cannot hold a newer line.
  const files = await listTranscriptFiles(options.configDirs, {
    ...(since === null ? {} : { modifiedSinceMs: since }),
    onSkipped: options.onSkipped,
  });
  const threads = scanThreadsFor(files, options.threads);
  const perFile = threads > 1 ? await scanInParallel(files, since, threads) : await scanInTurn(files, since, options.canary);
  const found: ScannedEvent[] = [];
  for (const scanned of perFile) {
    found.push(...scanned.events);
    if (scanned.skipped) options.onSkipped?.(scanned.skipped);
    if (options.canary) replayCanaryNotes(scanned.canaryNotes, options.canary);
  }
  // Files come oldest-modified first, but sessions interleave: order by when things happened.
  return found
    .map((event, index) => ({ event, index, at: event.timestamp ? Date.parse(event.timestamp) : NaN }))
    .sort((a, b) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? a.index - b.index : a.at - b.at || a.index - b.index))
    .map(({ event }) => event);
}

/** What one transcript gave: its failures and retries in file order, and why it was skipped, if it was. */
export interface ScannedFile {
  events: ScannedEvent[];
  skipped: SkippedEntry | null;
  /** What a worker's canary saw, in order, for the caller's canary (empty when read with the caller's own). */
  canaryNotes: CanaryNote[];
  /** Where the reading stopped (past the last complete line) and the next line's number; null when it failed. */
  end: { offset: number; nextLine: number } | null;
}

/** One call a file's reading made on its canary: the first sight of a version, or an unknown shape. */
export type CanaryNote = { version: string } | { unknown: unknown; file: string; line: number };

/**
 * A canary for a worker: it writes down what it is told (each version once per file), so the
 * caller's canary can be told the same things in file order, as if one thread had read them all.
 */
class RecordingCanary extends FormatCanary {
  readonly notes: CanaryNote[] = [];
  private readonly seenInFile = new Set<string>();

  override noteVersion(version: string | null): void {
    if (version === null || this.seenInFile.has(version)) return;
    this.seenInFile.add(version);
    this.notes.push({ version });
  }

  override noteUnknown(value: unknown, location: { file: string; line: number }): void {
    this.notes.push({ unknown: value, ...location });
  }
}

function replayCanaryNotes(notes: CanaryNote[], canary: FormatCanary): void {
  for (const note of notes) {
    if ('version' in note) canary.noteVersion(note.version);
    else canary.noteUnknown(note.unknown, { file: note.file, line: note.line });
  }
}

/**
 * The failures and retries of one transcript at or after `sinceMs`, in file order. A file that is
 * unreadable or vanishes mid-scan gives what was read of it.
 */
export function scanTranscriptFile(file: string, sinceMs: number | null, canary?: FormatCanary): ScannedFile {
  const found: ScannedEvent[] = [];
  const recorder = canary ? null : new RecordingCanary();
  const reader = new TranscriptEventReader(
    (event) => {
      if ((isFailureEvent(event) || isRefusalEvent(event)) && (sinceMs === null || event.timestamp === null || Date.parse(event.timestamp) >= sinceMs)) found.push(event);
    },
    undefined,
    canary ?? recorder!,
    { onlyMarkedLines: true },
  );
  const canaryNotes = recorder?.notes ?? [];
  try {
    // Synchronous reads: a one-shot scan has nothing else to do meanwhile, and they cost less. Only
    // the lines that may be events are handed over (with the lines the read still holds before
    // them, where an event's last success nearly always is).
    // No flush at the end: the successes it would find matter to the tracker, not to a scan.
    const read = readCompleteLinesSync(file, 0, 1, (line, lineNumber, byteOffset, before) => reader.acceptLine(file, line, lineNumber, byteOffset, before), {
      markers: EVENT_LINE_MARKERS,
    });
    return { events: found, skipped: null, canaryNotes, end: { offset: read.endOffset, nextLine: read.nextLineNumber } };
  } catch (error) {
    // Vanished mid-scan: nothing to say. Unreadable: named, and the scan goes on.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return { events: found, skipped: skippedEntryOf(file, error), canaryNotes, end: null };
  }
  return { events: found, skipped: null, canaryNotes, end: null };
}

async function scanInTurn(files: TranscriptFile[], since: number | null, canary: FormatCanary | undefined): Promise<ScannedFile[]> {
  const perFile: ScannedFile[] = [];
  let sinceYield = 0;
  for (const file of files) {
    perFile.push(scanTranscriptFile(file.path, since, canary));
    // Let timers and signals run every few megabytes, not after every file: each turn of the event
    // loop polls the kernel, which a scan of many small files paid hundreds of times for nothing.
    sinceYield += file.size;
    if (sinceYield >= YIELD_EVERY_BYTES) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sinceYield = 0;
    }
  }
  return perFile;
}

/**
 * What a scan worker is given once, at its start (`workerData`): every file, the order to take them
 * in, and the queue's head, shared by all threads: each takes its next file with one atomic add,
 * without asking another thread (the main one is busy reading too, and a worker that waited for it
 * between files sat idle half the time).
 */
export interface ScanWorkerData {
  files: string[];
  /** Each file's size when listed: a worker answers every `YIELD_EVERY_BYTES` read. */
  sizes: number[];
  order: number[];
  /** An Int32Array over a SharedArrayBuffer: `[0]` is the next position in `order` to take. */
  head: Int32Array;
  sinceMs: number | null;
}

/**
 * What a worker answers: the files it read, a few megabytes' worth per message (one message per
 * file cost a structured clone and a wake-up each, over a thousand for a month of small sessions),
 * then `done`.
 */
export type ScanWorkerMessage = { read: Array<{ index: number; scanned: ScannedFile }> } | { done: true };

/** How much a worker reads before it answers, and the calling thread before it lets the workers' answers (and progress) in. */
export const YIELD_EVERY_BYTES = 8 * 1024 * 1024;

/** The next file of the shared queue, or undefined when none is left. */
export function takeNextFile(data: Pick<ScanWorkerData, 'order' | 'head'>): number | undefined {
  const position = Atomics.add(data.head, 0, 1);
  return position < data.order.length ? data.order[position] : undefined;
}


/**
 * `threads - 1` workers (none for 1) and this thread take files from one shared queue, biggest
 * first (so no thread is left with a big one at the end); each file's events go back to its place
 * in the list. `onFileDone` is told each file read (the history index's progress).
 */
export async function scanInParallel(
  files: ReadonlyArray<{ path: string; size: number }>,
  since: number | null,
  threads: number,
  onFileDone?: () => void,
): Promise<ScannedFile[]> {
  const perFile: ScannedFile[] = new Array(files.length);
  const queue: ScanWorkerData = {
    files: files.map((file) => file.path),
    sizes: files.map((file) => file.size),
    order: files.map((_, index) => index).sort((a, b) => files[b].size - files[a].size),
    head: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    sinceMs: since,
  };
  // In a bundle, dist/lazy/scanWorker.js (from dist/ or from another lazy module in dist/lazy/, such as
  // the history index's worker); from source (tests run under tsx), the .ts beside this file.
  const lazyDir = path.basename(__dirname) === 'lazy' ? __dirname : path.join(__dirname, 'lazy');
  const workerFile = path.join(lazyDir, `scanWorker${path.extname(__filename)}`);
  const workers: Worker[] = [];
  const readHere = (index: number) => {
    perFile[index] = scanTranscriptFile(files[index].path, since);
    onFileDone?.();
  };
  try {
    const done = Array.from({ length: threads - 1 }, () => {
      // Loaded here, not at the top: the extension imports this module at activation, where
      // worker_threads cost about 2.5 ms of every start-up, and one thread needs none.
      const { Worker: WorkerThread } = process.getBuiltinModule('node:worker_threads');
      const worker = workerFile.endsWith('.ts')
        ? new WorkerThread(`require('tsx/cjs'); require(${JSON.stringify(workerFile)});`, { eval: true, workerData: queue })
        : new WorkerThread(workerFile, { workerData: queue });
      workers.push(worker);
      return new Promise<void>((resolve) => {
        worker.on('message', (message: ScanWorkerMessage) => {
          if ('done' in message) return resolve();
          for (const { index, scanned } of message.read) {
            perFile[index] = scanned;
            onFileDone?.();
          }
        });
        // A worker that cannot start or dies: the files it took and did not answer are read below.
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      });
    });
    // This thread reads too, letting the workers' answers in every few megabytes.
    let sinceYield = 0;
    for (let index = takeNextFile(queue); index !== undefined; index = takeNextFile(queue)) {
      readHere(index);
      sinceYield += files[index].size;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sinceYield = 0;
      }
    }
    await Promise.all(done);
    // Slower, never wrong: what a worker took and did not answer.
    for (let index = 0; index < files.length; index++) if (perFile[index] === undefined) readHere(index);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return perFile;
}

const RELATIVE_SINCE = /^(\d+)\s*([dhmw])$/i;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `all` → null; `30m`, `24h`, `7d`, `2w` → now minus that; an ISO time → that time. Throws on anything else. */
export function parseSince(value: string, now: number): number | null {
  const trimmed = value.trim();
  if (trimmed === 'all') return null;
  const relative = RELATIVE_SINCE.exec(trimmed);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2].toLowerCase()];
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (Number.isFinite(time)) return time;
  }
  throw new Error(`--since takes 'all', a duration like 30m, 24h or 7d, or an ISO time; got '${value}'`);
}

/** The exact record `scan --json` and `watch --json` print, one per line. */
export interface ScanJsonRecord {
  /** `refusal`: the model declined (the API worked): never a failure, never counted as one. */
  kind: 'failure' | 'retry' | 'refusal';
  uuid: string | null;
  sessionId: string | null;
  timestamp: string | null;
  /** The line's HTTP status, else the one its category implies (then `statusSource` is `category`). */
  status: number | null;
  statusSource: StatusSource | null;
  class: string;
  requestId: string | null;
  requestIds: string[];
  message: string;
  /** Claude Code's whole wording as the user saw it (`message` is its short form), or null. */
  wording: string | null;
  version: string | null;
  model: string | null;
  cwd: string | null;
  file: string;
  line: number;
  attempt: number | null;
  maxRetries: number | null;
  errorType: string | null;
  networkCode: string | null;
  limitWindow: string | null;
  resetsAt: string | null;
  transient: boolean;
  midResponse: boolean;
  /** Refusals: `stop_details.category` (`cyber`, `bio`, ...) when the line names one; else null. */
  refusalCategory: string | null;
}

export function toScanJson(event: ScannedEvent): ScanJsonRecord {
  return {
    kind: event.kind,
    uuid: event.uuid,
    sessionId: event.sessionId,
    timestamp: event.timestamp,
    status: event.status ?? event.impliedStatus ?? null,
    statusSource: event.statusSource ?? (event.status === null ? null : 'record'),
    class: event.failureClass,
    requestId: event.requestId,
    requestIds: event.requestIds,
    message: event.message,
    wording: event.wording ?? null,
    version: event.version,
    model: event.model,
    cwd: event.cwd,
    file: event.file,
    line: event.line,
    attempt: event.kind === 'retry' ? event.attempt : null,
    maxRetries: event.kind === 'retry' ? event.maxRetries : null,
    errorType: event.errorType,
    networkCode: event.networkCode,
    limitWindow: event.limitWindow ?? null,
    resetsAt: event.resetsAt ?? null,
    transient: event.transient ?? false,
    midResponse: event.midResponse ?? false,
    refusalCategory: event.kind === 'refusal' ? event.refusalCategory : null,
  };
}

/**
 * The line `scan --json` prints, after the events, for each shape of error line this release
 * cannot read (ARCHITECTURE.md §1.1): keys and JSON types, never values. `kind` tells it from an event.
 */
export interface ScanJsonUnknownShape {
  kind: 'unknownShape';
  /** The key skeleton, e.g. `{failure:{httpCode:number},isApiErrorMessage:boolean,...}`. */
  skeleton: string;
  /** Lines of this shape, in all. */
  count: number;
  /** The same by the Claude Code version that wrote them (`unknown` when the line has none). */
  versions: Record<string, number>;
  /** Where the first such line is. */
  file: string;
  line: number;
}

export function toUnknownShapeJson(shape: UnknownShape): ScanJsonUnknownShape {
  return { kind: 'unknownShape', skeleton: shape.skeleton, count: shape.count, versions: { ...shape.versions }, file: shape.firstSeen.file, line: shape.firstSeen.line };
}
