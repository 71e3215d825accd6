// Lines → API events with their session context (model, request IDs of earlier retries, the
// version that last worked, the last response before the event). This is the hot path of a full
// scan: most bytes are prompts and tool results that can never be ours, so a line is only decoded
// and parsed when it carries one of our structural markers. JSON.stringify escapes every quote
// inside a string value, so a marker that ends in a quote (`ApiErrorMessage"`) cannot match text
// that merely quotes it; the full parse that follows decides by structure anyway.
//
// The context is carried forward in one pass: successes are not parsed as they go by (most lines
// of an assistant turn are successes, and parsing them all would cost more than the rest of the
// scan). Instead every line that may be one (it says `"assistant"`) is remembered by position, and
// the newest few are kept as copies; when an event needs the last success of its thread, those
// candidates are parsed newest first, usually one. Only a candidate older than the kept copies is
// read again from the file, and only the region before the first line this reader was given (a
// watcher that started mid-file) is searched backwards on disk.
//
// A full scan goes further (`onlyMarkedLines`): the line reader searches each chunk it reads once
// per marker (EVENT_LINE_MARKERS) and hands over only the lines holding one, so most lines cost a
// newline search and nothing else. Nothing is remembered then: an event's last success is looked
// for backwards in the lines the read still holds before it (nearly always there), else on disk.
import { closeSync, readSync } from 'node:fs';
import { FormatCanary } from './canary';
import { LineMarker, type LinesBefore } from './files/lines';
import { findLineBackwardSync } from './files/readBack';
import { openRegularFileSync } from './files/regularFile';
import { isUnknownErrorShape, parseTranscriptLine, parseTranscriptRecord } from './records';
import type {
  ApiEvent,
  ApiFailureEvent,
  ApiInterruptEvent,
  ApiRefusalEvent,
  ApiSuccessEvent,
  FailureRecord,
  LastResponse,
  LineLocation,
  RecordEnvelope,
  RefusalRecord,
  RetryRecord,
  SuccessRecord,
} from './types';

const FAILURE_MARKER = Buffer.from('ApiErrorMessage"');
const RETRY_MARKER = Buffer.from('pi_error"');
/** A line that may be a success (`"type":"assistant"`; `"role":"assistant"` comes early in it). */
const ASSISTANT_MARKER = Buffer.from('"assistant"');
/**
 * A user's interrupt (`[Request interrupted by user]`). Such lines are short: only lines up to
 * `MAX_INTERRUPT_BYTES` are searched for it, so a long prompt or tool result costs nothing more.
 */
const INTERRUPT_MARKER = Buffer.from('[Request interrupted by user');
const MAX_INTERRUPT_BYTES = 8 * 1024;
/**
 * Refusals that carry no error marker: Claude Code's `model_refusal_fallback` /
 * `model_refusal_no_fallback` system lines (the error line of a refusal, with its `stop_reason:
 * "refusal"`, is found by FAILURE_MARKER). Searched from its `_`, rare in JSON text: one more search
 * of each read costs a full scan about 4% more CPU (1 GB corpus, paired runs). A second marker for
 * `"stop_reason":"refusal"` on a real answer without an error marker cost 8% more again (every
 * assistant line holds `_reason`), for lines Claude Code does not write (it ends a refused turn with
 * an error line): such a line is read as a refusal only when it carries the error marker.
 */
const REFUSAL_NOTICE_MARKER = Buffer.from('_refusal_');

// Each is searched from a byte that is rare in JSON (`A`, `_`, `R`), not from a quote or a bracket.
const FAILURE_LINE = new LineMarker(FAILURE_MARKER);
const RETRY_LINE = new LineMarker(RETRY_MARKER, 2);
const INTERRUPT_LINE = new LineMarker(INTERRUPT_MARKER, 1);

const REFUSAL_NOTICE_LINE = new LineMarker(REFUSAL_NOTICE_MARKER);

/**
 * What a line must hold to be an event (a superset of acceptLine's own test): a reader of marked
 * lines only (`onlyMarkedLines`) is handed just these.
 */
export const EVENT_LINE_MARKERS: readonly LineMarker[] = [FAILURE_LINE, RETRY_LINE, INTERRUPT_LINE, REFUSAL_NOTICE_LINE];

/** What follows the failure marker on a line that says it is no API error. */
const SAYS_FALSE = Buffer.from(':false');
/** The other top-level keys that make a line an error line (see `isUnknownErrorShape`). */
const OTHER_ERROR_KEYS = ['"apiErrorStatus"', '"apiErrorIsTransient"', '"errorDetails"'].map((key) => Buffer.from(key));

/**
 * Whether the failure marker found at `at` in `line`, and every later one, says `:false`, and the
 * line holds no other error key and no interrupt: a response or a synthetic "No response
 * requested." of a build that writes the field on every message, or a subagent's progress nesting
 * such records. Parsed, it would be no failure, no interrupt and no unknown shape; a response
 * among them is found again, as any other, when an event looks back for its last success.
 */
function saysNoApiError(line: Buffer, at: number): boolean {
  for (let marker = at; marker !== -1; marker = FAILURE_LINE.find(line, marker + 1)) {
    if (!bytesAt(line, marker + FAILURE_MARKER.length, SAYS_FALSE)) return false;
  }
  return !OTHER_ERROR_KEYS.some((key) => line.includes(key)) && INTERRUPT_LINE.find(line, 0) === -1;
}

const MESSAGE_KEY = Buffer.from('"message":{');
const ROLE_KEY = Buffer.from('"role":"');
const ASSISTANT_ROLE = Buffer.from('assistant"');
const USER_ROLE = Buffer.from('user"');
/** How far into a line the message's role is looked for: past the envelope (cwd, branch, ...), before its content. */
const ROLE_WINDOW = 8192;

/**
 * The role of the line's conversation message, read from the line's start, or null when that is
 * not plainly there (then every search runs, as for any line). Markers with a costly last byte
 * (`"`, frequent in JSON) make whole-line searches slow; this one stops early.
 */
export function conversationRole(line: Buffer): 'assistant' | 'user' | null {
  const head = line.length > ROLE_WINDOW ? line.subarray(0, ROLE_WINDOW) : line;
  const role = head.indexOf(ROLE_KEY);
  if (role < 0) return null;
  const message = head.lastIndexOf(MESSAGE_KEY, role);
  if (message < 0) return null;
  // Only plain fields between `"message":{` and the role (no object or array opens): the role is
  // the message's own. A quote inside a string is escaped, so neither key can be quoted text.
  for (let i = message + MESSAGE_KEY.length; i < role; i++) if (head[i] === 0x7b || head[i] === 0x5b) return null;
  const value = role + ROLE_KEY.length;
  if (bytesAt(head, value, ASSISTANT_ROLE)) return 'assistant';
  if (bytesAt(head, value, USER_ROLE)) return 'user';
  return null;
}

/** `buffer` holds `bytes` at `at` (a compare in place: this runs for every line, and views cost an allocation each). */
function bytesAt(buffer: Buffer, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > buffer.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buffer[at + i] !== bytes[i]) return false;
  return true;
}

/** How many of the newest candidate lines are kept as copies, and up to what length each. */
const KEPT_CANDIDATES = 4;
const MAX_KEPT_CANDIDATE_BYTES = 256 * 1024;

interface RetryIds {
  lineNumber: number;
  requestIds: string[];
}

/** One conversation thread inside one file: the main session, or inline sidechains (1.0.x). */
interface StreamContext {
  isSidechain: boolean;
  model: string | null;
  lastSuccessVersion: string | null;
  lastResponse: LastResponse | null;
  /** Request IDs of retries since the last success or final failure, oldest first. */
  pendingRetryIds: RetryIds[];
  /** Lines from this file offset on have not been searched for a success of this thread. */
  unsearchedOffset: number;
  /** The last event was a failure or retry and no success has been found after it. */
  awaitingRecovery: boolean;
  /** Line number of the thread's previous failure or retry (0 before the first). */
  lastEventLine: number;
  /** Request ID of the thread's last refusal: one refusal told twice (notice, then error line) is one event. */
  lastRefusalRequestId: string | null;
}

/** A line that may be a success, by where it is; `copy` starts with its bytes while it is among the newest. */
interface Candidate {
  offset: number;
  length: number;
  lineNumber: number;
  copy: Buffer | null;
}

interface FileState {
  main: StreamContext | null;
  sidechain: StreamContext | null;
  /** The threads in the order they first had an event (the order a batch end visits them). */
  streams: StreamContext[];
  /** Where the first line given for this file starts: what lies before was never seen. */
  firstOffset: number;
  firstLineNumber: number;
  /** Candidate lines not yet behind every thread's unsearched offset, oldest first, from `head`. */
  candidates: Candidate[];
  head: number;
  /** Reused copy buffers of candidates that dropped out of the newest few. */
  spareCopies: Buffer[];
  hadParseProblem: boolean;
}

export type ApiEventListener = (event: ApiEvent) => void;

/** A line that looked like ours (it carries a marker) but is not JSON. Said once per file. */
export type ParseProblemListener = (file: string, lineNumber: number, error: Error) => void;

export class TranscriptEventReader {
  private readonly files = new Map<string, FileState>();

  /**
   * @param canary counts the marked lines that cannot be read (unknown shapes) and the Claude Code
   *   versions seen; pass one with listeners to log them as they come.
   * @param options.onlyMarkedLines the caller hands over only the lines holding one of
   *   `EVENT_LINE_MARKERS` (a full scan): nothing is remembered of other lines, and an event's
   *   last success is looked for in the lines before it (`before`, then the file).
   * @param options.wantsAnySuccess while it returns true, a batch's newest success in a thread that
   *   was not failing is emitted too (someone waits for any evidence the API answers); only the
   *   lines already remembered are parsed, never the file searched.
   */
  constructor(
    private readonly emit: ApiEventListener,
    private readonly onParseProblem?: ParseProblemListener,
    readonly canary: FormatCanary = new FormatCanary(),
    private readonly options: { onlyMarkedLines?: boolean; wantsAnySuccess?: () => boolean } = {},
  ) {}

  /**
   * Feed one complete line starting at `byteOffset` of `file`, in file order. `line` (and `before`,
   * the whole lines just before it that the caller holds) may be reused by the caller after this returns.
   */
  acceptLine(file: string, line: Buffer, lineNumber: number, byteOffset: number, before?: LinesBefore): void {
    // A user's or the assistant's message is never a retry (a system record), and its role says
    // whether it may be a success: two searches of the whole line spared for most bytes.
    const role = conversationRole(line);
    const failureAt = FAILURE_LINE.find(line, 0);
    const isEvent =
      // With only marked lines, one that says it is no error is not parsed only to be turned down
      // (a scan does not need its successes one by one: see saysNoApiError).
      (failureAt !== -1 && !(this.options.onlyMarkedLines && saysNoApiError(line, failureAt))) ||
      (role === null && (RETRY_LINE.find(line, 0) !== -1 || REFUSAL_NOTICE_LINE.find(line, 0) !== -1)) ||
      (line.length <= MAX_INTERRUPT_BYTES && INTERRUPT_LINE.find(line, 0) !== -1);
    if (!isEvent) {
      // With only marked lines, a few remembered ones would hide the newer successes between them.
      if (this.options.onlyMarkedLines) return;
      if (role === 'assistant' || (role === null && line.includes(ASSISTANT_MARKER))) this.remember(this.file(file, byteOffset, lineNumber), line, lineNumber, byteOffset);
      return;
    }
    const state = this.file(file, byteOffset, lineNumber);
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch (error) {
      if (!state.hadParseProblem) {
        state.hadParseProblem = true;
        this.onParseProblem?.(file, lineNumber, error as Error);
      }
      return;
    }
    const record = parseTranscriptRecord(value);
    // The canary looks only at lines that passed the marker pre-filter and parsed: no cost elsewhere.
    if (isUnknownErrorShape(value, record)) this.canary.noteUnknown(value, { file, line: lineNumber });
    if (!record) return;
    this.canary.noteVersion(record.envelope.version);
    const stream = this.stream(state, record.envelope.isSidechain);
    const location = { file, line: lineNumber };
    if (record.kind === 'success') {
      this.acceptSuccess(stream, record, location);
      stream.awaitingRecovery = false;
    } else if (record.kind === 'interrupt') {
      this.findSuccessBefore(file, state, stream, byteOffset, lineNumber, before);
      // The interrupted request's retries lead to no failure: their IDs go with nothing later.
      stream.pendingRetryIds = [];
      const event: ApiInterruptEvent = eventBase('interrupt', record.envelope, location);
      this.emit(event);
    } else if (record.kind === 'refusal') {
      // The API answered; the model declined. Not a failure: the thread's failure state stays as it is.
      this.findSuccessBefore(file, state, stream, byteOffset, lineNumber, before);
      this.acceptRefusal(stream, record, location);
    } else {
      this.findSuccessBefore(file, state, stream, byteOffset, lineNumber, before);
      this.acceptError(stream, record, location);
      stream.awaitingRecovery = true;
    }
    stream.unsearchedOffset = byteOffset;
    this.dropSearchedCandidates(state);
  }

  /**
   * Call after a batch of a file's complete lines, ending at `endOffset` (the next line would be
   * `nextLineNumber`): a failure that a later success ended is over, and the tracker must hear so.
   */
  flush(file: string, endOffset: number, nextLineNumber: number): void {
    const state = this.files.get(file);
    if (!state) return;
    for (const stream of state.streams) {
      if (!stream.awaitingRecovery) continue;
      this.findSuccessBefore(file, state, stream, endOffset, nextLineNumber);
      stream.unsearchedOffset = endOffset;
    }
    if (this.options.wantsAnySuccess?.()) {
      const main = this.stream(state, false);
      if (!main.awaitingRecovery) {
        const found = this.newestCandidateSuccess(file, state, main, endOffset);
        if (found) this.acceptSuccess(main, found.record, { file, line: found.lineNumber });
        main.unsearchedOffset = endOffset;
      }
    }
    this.dropSearchedCandidates(state);
  }

  /** Drop what is remembered of a file (deleted, or rewritten from the start). */
  forget(file: string): void {
    this.files.delete(file);
  }

  private file(file: string, byteOffset: number, lineNumber: number): FileState {
    let state = this.files.get(file);
    if (!state) {
      state = { main: null, sidechain: null, streams: [], firstOffset: byteOffset, firstLineNumber: lineNumber, candidates: [], head: 0, spareCopies: [], hadParseProblem: false };
      this.files.set(file, state);
    }
    return state;
  }

  private stream(state: FileState, isSidechain: boolean): StreamContext {
    const key = isSidechain ? 'sidechain' : 'main';
    let stream = state[key];
    if (!stream) {
      stream = {
        isSidechain,
        model: null,
        lastSuccessVersion: null,
        lastResponse: null,
        pendingRetryIds: [],
        unsearchedOffset: 0,
        awaitingRecovery: false,
        lastEventLine: 0,
        lastRefusalRequestId: null,
      };
      state[key] = stream;
      state.streams.push(stream);
    }
    return stream;
  }

  /** Remembers a line that may be a success; the newest few are copied so they need no second read. */
  private remember(state: FileState, line: Buffer, lineNumber: number, byteOffset: number): void {
    const { candidates } = state;
    const stale = candidates.length - KEPT_CANDIDATES;
    if (stale >= state.head) {
      const old = candidates[stale];
      if (old.copy) state.spareCopies.push(old.copy);
      old.copy = null;
    }
    let copy: Buffer | null = null;
    if (line.length <= MAX_KEPT_CANDIDATE_BYTES) {
      copy = state.spareCopies.pop() ?? null;
      if (!copy || copy.length < line.length) copy = Buffer.allocUnsafe(Math.max(line.length, 4096));
      line.copy(copy, 0);
    }
    candidates.push({ offset: byteOffset, length: line.length, lineNumber, copy });
  }

  /** Candidates behind every thread's unsearched offset can never be needed again. */
  private dropSearchedCandidates(state: FileState): void {
    const keepFrom = Math.min(state.main?.unsearchedOffset ?? 0, state.sidechain?.unsearchedOffset ?? 0);
    const { candidates } = state;
    while (state.head < candidates.length && candidates[state.head].offset < keepFrom) {
      const dropped = candidates[state.head];
      if (dropped.copy) state.spareCopies.push(dropped.copy);
      candidates[state.head++] = undefined as never;
    }
    if (state.head > 1024 && state.head * 2 > candidates.length) {
      state.candidates = candidates.slice(state.head);
      state.head = 0;
    }
    if (state.spareCopies.length > KEPT_CANDIDATES) state.spareCopies.length = KEPT_CANDIDATES;
  }

  /**
   * The newest success of `stream` in its unsearched lines before `endOffset` (the start of the
   * line numbered `endLineNumber`) becomes its last success.
   */
  private findSuccessBefore(file: string, state: FileState, stream: StreamContext, endOffset: number, endLineNumber: number, before?: LinesBefore): void {
    const found = this.newestCandidateSuccess(file, state, stream, endOffset) ?? this.newestUnseenSuccess(file, state, stream, endOffset, endLineNumber, before);
    if (found) {
      this.canary.noteVersion(found.record.envelope.version);
      this.acceptSuccess(stream, found.record, { file, line: found.lineNumber });
      stream.awaitingRecovery = false;
    }
  }

  private newestCandidateSuccess(file: string, state: FileState, stream: StreamContext, endOffset: number): { record: SuccessRecord; lineNumber: number } | null {
    const { candidates } = state;
    let fd: number | null = null;
    try {
      for (let i = candidates.length - 1; i >= state.head; i--) {
        const candidate = candidates[i];
        if (candidate.offset >= endOffset) continue;
        if (candidate.offset < stream.unsearchedOffset) break;
        let bytes = candidate.copy?.subarray(0, candidate.length);
        if (!bytes) {
          fd ??= openRegularFileSync(file);
          bytes = Buffer.allocUnsafe(candidate.length);
          if (readSync(fd, bytes, 0, candidate.length, candidate.offset) < candidate.length) return null; // the file shrank
        }
        const record = parseTranscriptLine(bytes.toString('utf8'));
        if (record?.kind === 'success' && record.envelope.isSidechain === stream.isSidechain) return { record, lineNumber: candidate.lineNumber };
      }
    } catch {
      // The file went away or cannot be read: the event keeps the context it has.
    } finally {
      if (fd !== null) closeSync(fd);
    }
    return null;
  }

  /**
   * Lines never given are searched newest first: those before the first one given (a watcher that
   * started mid-file), or, with only marked lines, all before `endOffset`. What the caller still
   * holds (`before`) is searched in memory, the rest on disk.
   */
  private newestUnseenSuccess(
    file: string,
    state: FileState,
    stream: StreamContext,
    endOffset: number,
    endLineNumber: number,
    before?: LinesBefore,
  ): { record: SuccessRecord; lineNumber: number } | null {
    const end = this.options.onlyMarkedLines ? endOffset : Math.min(state.firstOffset, endOffset);
    if (stream.unsearchedOffset >= end) return null;
    let found: SuccessRecord | null = null;
    let foundLine: number | null = null;
    try {
      foundLine = findLineBackwardSync(
        file,
        stream.unsearchedOffset,
        end,
        end === endOffset ? endLineNumber : state.firstLineNumber,
        (line) => {
          if (!line.includes(ASSISTANT_MARKER)) return false;
          const record = parseTranscriptLine(line.toString('utf8'));
          if (record?.kind !== 'success' || record.envelope.isSidechain !== stream.isSidechain) return false;
          found = record;
          return true;
        },
        before,
      );
    } catch {
      // As above: the event keeps the context it has.
    }
    return found && foundLine !== null ? { record: found, lineNumber: foundLine } : null;
  }

  private acceptSuccess(stream: StreamContext, record: SuccessRecord, location: LineLocation): void {
    stream.model = record.model;
    stream.lastSuccessVersion = record.envelope.version ?? stream.lastSuccessVersion;
    stream.lastResponse = { uuid: record.envelope.uuid, requestId: record.requestId, line: location.line };
    stream.pendingRetryIds = stream.pendingRetryIds.filter((retry) => retry.lineNumber > location.line);
    const event: ApiSuccessEvent = Object.assign(eventBase('success', record.envelope, location), { model: record.model, requestId: record.requestId });
    this.emit(event);
  }

  private acceptRefusal(stream: StreamContext, record: RefusalRecord, location: LineLocation): void {
    const requestId = record.requestIds[0] ?? null;
    if (requestId !== null && requestId === stream.lastRefusalRequestId) return;
    stream.lastRefusalRequestId = requestId;
    // Retries before a refusal led to it, not to a later failure.
    stream.pendingRetryIds = [];
    const { envelope } = record;
    const event: Required<ApiRefusalEvent> = {
      kind: 'refusal',
      file: location.file,
      line: location.line,
      uuid: envelope.uuid,
      sessionId: envelope.sessionId,
      timestamp: envelope.timestamp,
      version: envelope.version,
      cwd: envelope.cwd,
      entrypoint: envelope.entrypoint,
      isSidechain: envelope.isSidechain,
      status: null,
      statusSource: null,
      impliedStatus: null,
      failureClass: record.failureClass,
      errorType: record.errorType,
      requestIds: record.requestIds,
      requestId,
      networkCode: null,
      message: record.message,
      model: stream.model,
      attempt: null,
      maxRetries: null,
      retryInMs: null,
      lastSuccessVersion: stream.lastSuccessVersion,
      lastResponse: stream.lastResponse,
      limitWindow: null,
      resetsAt: null,
      transient: false,
      midResponse: false,
      wording: record.wording,
      refusalCategory: record.refusalCategory,
    };
    this.emit(event);
  }

  private acceptError(stream: StreamContext, record: RetryRecord | FailureRecord, location: LineLocation): void {
    let requestIds = record.requestIds;
    const cutOffId = record.midResponse ? cutOffRequestId(stream, record.envelope) : null;
    stream.lastEventLine = location.line;
    if (record.kind === 'retry') {
      if (cutOffId) requestIds = [...new Set([...requestIds, cutOffId])];
      if (requestIds.length > 0) stream.pendingRetryIds.push({ lineNumber: location.line, requestIds });
    } else {
      // A final failure keeps its own ID first, then the cut-off response's (mid-response
      // failures), then the IDs of the retries that led to it, newest first.
      const retryIds = stream.pendingRetryIds.flatMap((retry) => retry.requestIds).reverse();
      requestIds = [...new Set([...requestIds, ...(cutOffId ? [cutOffId] : []), ...retryIds])];
      stream.pendingRetryIds = [];
    }
    const { envelope } = record;
    // Every field spelled out, eventBase's too (see there): a literal is several times cheaper. Required<>:
    // a field added to the event type (the optional newer facts too) and forgotten here fails to compile.
    const event: Required<ApiFailureEvent> = {
      kind: record.kind,
      file: location.file,
      line: location.line,
      uuid: envelope.uuid,
      sessionId: envelope.sessionId,
      timestamp: envelope.timestamp,
      version: envelope.version,
      cwd: envelope.cwd,
      entrypoint: envelope.entrypoint,
      isSidechain: envelope.isSidechain,
      status: record.status,
      statusSource: record.statusSource,
      impliedStatus: record.impliedStatus,
      failureClass: record.failureClass,
      errorType: record.errorType,
      requestIds,
      requestId: requestIds[0] ?? null,
      networkCode: record.networkCode,
      message: record.message,
      model: stream.model,
      attempt: record.attempt,
      maxRetries: record.maxRetries,
      retryInMs: record.retryInMs,
      lastSuccessVersion: stream.lastSuccessVersion,
      lastResponse: stream.lastResponse,
      limitWindow: record.limitWindow,
      resetsAt: record.resetsAt,
      transient: record.transient,
      midResponse: record.midResponse,
      wording: record.wording,
    };
    this.emit(event);
  }
}

/**
 * The request ID of the response a mid-response failure cut off: the thread's last response, when
 * it came after the thread's previous event and is the failure's parent in the chain (or the
 * failure names no parent).
 */
function cutOffRequestId(stream: StreamContext, envelope: RecordEnvelope): string | null {
  const cutOff = stream.lastResponse;
  if (!cutOff?.requestId || cutOff.line <= stream.lastEventLine) return null;
  if (envelope.parentUuid && cutOff.uuid && envelope.parentUuid !== cutOff.uuid) return null;
  return cutOff.requestId;
}

/**
 * What every event takes from its line: its kind, where it is, and the envelope's identity and
 * context. A success adds its two fields with Object.assign: a spread of this object would cost four
 * times as much (V8 copies key by key into an object of a shape of its own), and a failure's twenty
 * more are spelled out in one literal, the fastest of all.
 */
function eventBase<K extends ApiEvent['kind']>(kind: K, envelope: RecordEnvelope, location: LineLocation) {
  return {
    kind,
    file: location.file,
    line: location.line,
    uuid: envelope.uuid,
    sessionId: envelope.sessionId,
    timestamp: envelope.timestamp,
    version: envelope.version,
    cwd: envelope.cwd,
  };
}
