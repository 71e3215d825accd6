// Lines → API events with their session context (model, request IDs of earlier retries, the
// version that last worked). This is the hot path of a full scan: most bytes are prompts and tool
// results that can never be ours, so a line is only decoded and parsed when it carries one of our
// structural markers. JSON.stringify escapes every quote inside a string value, so a marker that
// ends in a quote (`ApiErrorMessage"`) cannot match text that merely quotes it; the full parse
// that follows decides by structure anyway. Each marker starts with a byte that is rare in JSON,
// which is what keeps `Buffer.indexOf` fast.
//
// Successes are not looked for line by line: when an event needs the last success before it (its
// model, the version that last worked, whether a failure has ended), the lines since the previous
// event are read back from the file, newest first, until one is found.
import { findLineBackwardSync } from './files/readBack';
import { parseTranscriptLine, parseTranscriptRecord } from './records';
import type {
  ApiEvent,
  ApiFailureEvent,
  ApiSuccessEvent,
  FailureRecord,
  LineLocation,
  RecordEnvelope,
  RetryRecord,
  SuccessRecord,
} from './types';

const FAILURE_MARKER = Buffer.from('ApiErrorMessage"');
const RETRY_MARKER = Buffer.from('pi_error"');
/** Cheap pre-check before parsing a line read back as a possible success. */
const ASSISTANT_MARKER = Buffer.from('"assistant"');

interface RetryIds {
  lineNumber: number;
  requestIds: string[];
}

/** One conversation thread inside one file: the main session, or inline sidechains (1.0.x). */
interface StreamContext {
  isSidechain: boolean;
  model: string | null;
  lastSuccessVersion: string | null;
  /** Request IDs of retries since the last success or final failure, oldest first. */
  pendingRetryIds: RetryIds[];
  /** Where the lines not yet searched for a success begin. */
  unsearchedOffset: number;
  unsearchedLine: number;
  /** The last event was a failure or retry and no success has been found after it. */
  awaitingRecovery: boolean;
}

export type ApiEventListener = (event: ApiEvent) => void;

/** A line that looked like ours (it carries a marker) but is not JSON. Said once per file. */
export type ParseProblemListener = (file: string, lineNumber: number, error: Error) => void;

export class TranscriptEventReader {
  private readonly files = new Map<string, Map<string, StreamContext>>();
  private readonly filesWithProblems = new Set<string>();

  constructor(
    private readonly emit: ApiEventListener,
    private readonly onParseProblem?: ParseProblemListener,
  ) {}

  /**
   * Feed one complete line starting at `byteOffset` of `file`. `line` may be reused by the caller
   * after this returns.
   */
  acceptLine(file: string, line: Buffer, lineNumber: number, byteOffset: number): void {
    if (!line.includes(FAILURE_MARKER) && !line.includes(RETRY_MARKER)) return;
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch (error) {
      if (!this.filesWithProblems.has(file)) {
        this.filesWithProblems.add(file);
        this.onParseProblem?.(file, lineNumber, error as Error);
      }
      return;
    }
    const record = parseTranscriptRecord(value);
    if (!record) return;
    const stream = this.stream(file, record.envelope.isSidechain);
    const location = { file, line: lineNumber };
    if (record.kind === 'success') {
      this.acceptSuccess(stream, record, location);
      stream.awaitingRecovery = false;
    } else {
      this.findSuccessBefore(file, stream, byteOffset, lineNumber);
      this.acceptError(stream, record, location);
      stream.awaitingRecovery = true;
    }
    stream.unsearchedOffset = byteOffset;
    stream.unsearchedLine = lineNumber;
  }

  /**
   * Call after a batch of a file's complete lines, ending at `endOffset` (the next line would be
   * `nextLineNumber`): a failure that a later success ended is over, and the tracker must hear so.
   */
  flush(file: string, endOffset: number, nextLineNumber: number): void {
    for (const stream of this.files.get(file)?.values() ?? []) {
      if (!stream.awaitingRecovery) continue;
      this.findSuccessBefore(file, stream, endOffset, nextLineNumber);
      stream.unsearchedOffset = endOffset;
      stream.unsearchedLine = nextLineNumber;
    }
  }

  /** Drop what is remembered of a file (deleted, or rewritten from the start). */
  forget(file: string): void {
    this.files.delete(file);
    this.filesWithProblems.delete(file);
  }

  private stream(file: string, isSidechain: boolean): StreamContext {
    let streams = this.files.get(file);
    if (!streams) this.files.set(file, (streams = new Map()));
    const key = isSidechain ? 'sidechain' : 'main';
    let stream = streams.get(key);
    if (!stream) {
      stream = {
        isSidechain,
        model: null,
        lastSuccessVersion: null,
        pendingRetryIds: [],
        unsearchedOffset: 0,
        unsearchedLine: 1,
        awaitingRecovery: false,
      };
      streams.set(key, stream);
    }
    return stream;
  }

  /** The newest success of `stream` in its unsearched lines before `endOffset` becomes its last success. */
  private findSuccessBefore(file: string, stream: StreamContext, endOffset: number, endLineNumber: number): void {
    let found: SuccessRecord | null = null;
    let foundLine: number | null = null;
    try {
      foundLine = findLineBackwardSync(file, stream.unsearchedOffset, endOffset, endLineNumber, (line) => {
        if (!line.includes(ASSISTANT_MARKER)) return false;
        const record = parseTranscriptLine(line.toString('utf8'));
        if (record?.kind !== 'success' || record.envelope.isSidechain !== stream.isSidechain) return false;
        found = record;
        return true;
      });
    } catch {
      // The file went away or cannot be read: the event keeps the context it has.
    }
    if (found && foundLine !== null) {
      this.acceptSuccess(stream, found, { file, line: foundLine });
      stream.awaitingRecovery = false;
    }
  }

  private acceptSuccess(stream: StreamContext, record: SuccessRecord, location: LineLocation): void {
    stream.model = record.model;
    stream.lastSuccessVersion = record.envelope.version ?? stream.lastSuccessVersion;
    stream.pendingRetryIds = stream.pendingRetryIds.filter((retry) => retry.lineNumber > location.line);
    const event: ApiSuccessEvent = {
      kind: 'success',
      ...eventBase(record.envelope, location),
      model: record.model,
      requestId: record.requestId,
    };
    this.emit(event);
  }

  private acceptError(stream: StreamContext, record: RetryRecord | FailureRecord, location: LineLocation): void {
    let requestIds = record.requestIds;
    if (record.kind === 'retry') {
      if (requestIds.length > 0) stream.pendingRetryIds.push({ lineNumber: location.line, requestIds });
    } else {
      // A final failure keeps its own ID first, then the IDs of the retries that led to it, newest first.
      const retryIds = stream.pendingRetryIds.flatMap((retry) => retry.requestIds).reverse();
      requestIds = [...new Set([...requestIds, ...retryIds])];
      stream.pendingRetryIds = [];
    }
    const { envelope } = record;
    const event: ApiFailureEvent = {
      kind: record.kind,
      ...eventBase(envelope, location),
      entrypoint: envelope.entrypoint,
      isSidechain: envelope.isSidechain,
      status: record.status,
      failureClass: record.failureClass,
      errorType: record.errorType,
      requestIds,
      requestId: requestIds[0] ?? null,
      networkCode: record.networkCode,
      message: record.message,
      model: stream.model,
      attempt: record.kind === 'retry' ? record.attempt : null,
      maxRetries: record.kind === 'retry' ? record.maxRetries : null,
      retryInMs: record.kind === 'retry' ? record.retryInMs : null,
      lastSuccessVersion: stream.lastSuccessVersion,
    };
    this.emit(event);
  }
}

/** What every event takes from its line: where it is, and the envelope's identity and context. */
function eventBase(envelope: RecordEnvelope, location: LineLocation) {
  return {
    ...location,
    uuid: envelope.uuid,
    sessionId: envelope.sessionId,
    timestamp: envelope.timestamp,
    version: envelope.version,
    cwd: envelope.cwd,
  };
}
