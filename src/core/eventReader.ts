// Lines → API events with their session context (model, request IDs of earlier retries, the
// version that last worked). This is the hot path of a full scan: most bytes are prompts and tool
// results that can never be ours, so a line is only decoded and parsed when it carries one of our
// structural markers. JSON.stringify escapes every quote inside a string value, so a marker with
// its quotes (`"isApiErrorMessage"`) cannot match text that merely quotes it; the full parse that
// follows decides by structure anyway.
import { parseTranscriptLine } from './records';
import type {
  ApiEvent,
  ApiFailureEvent,
  ApiSuccessEvent,
  FailureRecord,
  LineLocation,
  RetryRecord,
  SuccessRecord,
} from './types';

const FAILURE_MARKER = Buffer.from('"isApiErrorMessage"');
const RETRY_MARKER = Buffer.from('"api_error"');
const ASSISTANT_MARKER = Buffer.from('"assistant"');
const SIDECHAIN_MARKER = Buffer.from('"isSidechain":true');

/**
 * Assistant lines are kept unparsed until an event needs to know the last success before it.
 * A few are kept in case the newest turns out not to be a real success (a synthetic line).
 */
const MAX_SUCCESS_CANDIDATES = 4;

interface SuccessCandidate {
  line: Buffer;
  lineNumber: number;
}

interface RetryIds {
  lineNumber: number;
  requestIds: string[];
}

/** One conversation thread inside one file: the main session, or inline sidechains (1.0.x). */
interface StreamContext {
  model: string | null;
  lastSuccessVersion: string | null;
  /** Request IDs of retries since the last success or final failure, oldest first. */
  pendingRetryIds: RetryIds[];
  candidates: SuccessCandidate[];
}

export type ApiEventListener = (event: ApiEvent) => void;

export class TranscriptEventReader {
  private readonly files = new Map<string, Map<string, StreamContext>>();

  constructor(private readonly emit: ApiEventListener) {}

  /** Feed one complete line. `line` may be reused by the caller after this returns. */
  acceptLine(file: string, line: Buffer, lineNumber: number): void {
    if (line.includes(FAILURE_MARKER) || line.includes(RETRY_MARKER)) {
      const record = parseTranscriptLine(line.toString('utf8'));
      if (!record) return;
      const stream = this.stream(file, record.envelope.isSidechain);
      const location = { file, line: lineNumber };
      if (record.kind === 'success') {
        stream.candidates.length = 0;
        this.acceptSuccess(stream, record, location);
      } else {
        this.resolveCandidates(file, stream);
        this.acceptError(stream, record, location);
      }
    } else if (line.includes(ASSISTANT_MARKER)) {
      const stream = this.stream(file, line.includes(SIDECHAIN_MARKER));
      if (stream.candidates.length >= MAX_SUCCESS_CANDIDATES) stream.candidates.shift();
      stream.candidates.push({ line: Buffer.from(line), lineNumber });
    }
  }

  /** Call after a batch of a file's lines: settles the successes still pending (they end failures). */
  flush(file: string): void {
    for (const stream of this.files.get(file)?.values() ?? []) this.resolveCandidates(file, stream);
  }

  /** Drop what is remembered of a file (deleted, or rewritten from the start). */
  forget(file: string): void {
    this.files.delete(file);
  }

  private stream(file: string, isSidechain: boolean): StreamContext {
    let streams = this.files.get(file);
    if (!streams) this.files.set(file, (streams = new Map()));
    const key = isSidechain ? 'sidechain' : 'main';
    let stream = streams.get(key);
    if (!stream) {
      stream = { model: null, lastSuccessVersion: null, pendingRetryIds: [], candidates: [] };
      streams.set(key, stream);
    }
    return stream;
  }

  /** The newest candidate that really is a success becomes the stream's last success. */
  private resolveCandidates(file: string, stream: StreamContext): void {
    for (let i = stream.candidates.length - 1; i >= 0; i--) {
      const candidate = stream.candidates[i];
      const record = parseTranscriptLine(candidate.line.toString('utf8'));
      if (record?.kind === 'success') {
        this.acceptSuccess(stream, record, { file, line: candidate.lineNumber });
        break;
      }
    }
    stream.candidates.length = 0;
  }

  private acceptSuccess(stream: StreamContext, record: SuccessRecord, location: LineLocation): void {
    stream.model = record.model;
    stream.lastSuccessVersion = record.envelope.version ?? stream.lastSuccessVersion;
    stream.pendingRetryIds = stream.pendingRetryIds.filter((retry) => retry.lineNumber > location.line);
    const { envelope } = record;
    const event: ApiSuccessEvent = {
      kind: 'success',
      ...location,
      uuid: envelope.uuid,
      sessionId: envelope.sessionId,
      timestamp: envelope.timestamp,
      version: envelope.version,
      cwd: envelope.cwd,
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
      ...location,
      uuid: envelope.uuid,
      sessionId: envelope.sessionId,
      timestamp: envelope.timestamp,
      version: envelope.version,
      cwd: envelope.cwd,
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
