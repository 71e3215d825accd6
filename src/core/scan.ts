// A full pass over the transcripts: every retry and final failure, with its session context.
import { listTranscriptFiles, skippedEntryOf, type SkippedEntry } from './files/discover';
import { readCompleteLinesSync } from './files/lines';
import type { FormatCanary } from './canary';
import { TranscriptEventReader } from './eventReader';
import type { ApiFailureEvent, StatusSource } from './types';

export interface ScanOptions {
  configDirs: string[];
  /** Only events at or after this time (epoch ms); null for everything. */
  sinceMs: number | null;
  /** Each entry that could not be read (a symlink loop, a FIFO, an unreadable file, ...), skipped. */
  onSkipped?: (entry: SkippedEntry) => void;
  /** Counts the error lines that cannot be read and the versions seen (DESIGN §2); all lines, whatever `sinceMs`. */
  canary?: FormatCanary;
}

/** Every failure and retry under the config dirs, in time order. Throws `ConfigDirError` when a dir cannot be read. */
export async function scanConfigDirs(options: ScanOptions): Promise<ApiFailureEvent[]> {
  const found: ApiFailureEvent[] = [];
  const since = options.sinceMs;
  const isRecent = (timestamp: string | null): boolean =>
    since === null || timestamp === null || Date.parse(timestamp) >= since;

  const reader = new TranscriptEventReader(
    (event) => {
      if (event.kind !== 'success' && isRecent(event.timestamp)) found.push(event);
    },
    undefined,
    options.canary,
  );

  // A file last written before `since` cannot hold a newer line.
  const files = await listTranscriptFiles(options.configDirs, {
    ...(since === null ? {} : { modifiedSinceMs: since }),
    onSkipped: options.onSkipped,
  });
  for (const file of files) {
    try {
      // Synchronous reads: a one-shot scan has nothing else to do meanwhile, and they cost less.
      // No flush at the end: the successes it would find matter to the tracker, not to a scan.
      readCompleteLinesSync(file.path, 0, 1, (line, lineNumber, byteOffset) => reader.acceptLine(file.path, line, lineNumber, byteOffset));
    } catch (error) {
      // Vanished mid-scan: nothing to say. Unreadable: named, and the scan goes on.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.onSkipped?.(skippedEntryOf(file.path, error));
    } finally {
      reader.forget(file.path);
    }
    // Let timers and signals run between files.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Files come oldest-modified first, but sessions interleave: order by when things happened.
  return found
    .map((event, index) => ({ event, index, at: event.timestamp ? Date.parse(event.timestamp) : NaN }))
    .sort((a, b) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? a.index - b.index : a.at - b.at || a.index - b.index))
    .map(({ event }) => event);
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
  kind: 'failure' | 'retry';
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
}

export function toScanJson(event: ApiFailureEvent): ScanJsonRecord {
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
  };
}
