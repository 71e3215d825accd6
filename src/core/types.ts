// Shared shapes of the detection core. No vscode import: the extension and the CLI both use these.

/** How a failure is grouped for the user. "During 500s" means `server` or `overloaded`. */
export type FailureClass = 'server' | 'overloaded' | 'rate_limit' | 'auth' | 'client' | 'network' | 'unknown';

export const FAILURE_CLASSES: readonly FailureClass[] = [
  'server',
  'overloaded',
  'rate_limit',
  'auth',
  'client',
  'network',
  'unknown',
];

/** The envelope fields every transcript line carries (any may be missing in old or odd lines). */
export interface RecordEnvelope {
  uuid: string | null;
  sessionId: string | null;
  /** ISO 8601, UTC, as written by Claude Code. */
  timestamp: string | null;
  /** The Claude Code version that wrote the line. */
  version: string | null;
  cwd: string | null;
  /** `cli`, `claude-vscode`, `sdk-ts`, ... */
  entrypoint: string | null;
  isSidechain: boolean;
  /** The previous line of the same conversation chain. */
  parentUuid: string | null;
}

/**
 * Where a status came from. `record`: a status field of the line (`apiErrorStatus`, `error.status`,
 * `errorDetails`); `text`: the number in the error text; `errorType`: the API's error type, which
 * has one status (`overloaded_error` is 529); `category`: implied by Claude Code's error category
 * or wording (`authentication_failed` 401, a plan limit 429) — a guess, not something the API sent.
 */
export type StatusSource = 'record' | 'text' | 'errorType' | 'category';

/**
 * What newer Claude Code builds add to an error (ARCHITECTURE.md §1.1). Always set on records;
 * optional on events, where absent means "not known" (events built by hand, older producers).
 */
export interface NewerErrorFacts {
  /** Where `status` came from, or, when `status` is null, whether `impliedStatus` is set (`category`). */
  statusSource: StatusSource | null;
  /** The status the category implies when the line carries none: for `scan --json`, never shown as HTTP. */
  impliedStatus: number | null;
  /** Plan limits: which window (`5-hour`, `7-day`, ...), from `quotaLimits.rateLimitType`. */
  limitWindow: string | null;
  /** Plan limits: when the limit resets (ISO 8601, UTC). */
  resetsAt: string | null;
  /** `apiErrorIsTransient`: the server's temporary capacity limit, not the user's usage limit. */
  transient: boolean;
  /** The response was cut off after some output (`truncatedAfterOutput`, `isAbortedMidStream`, the wording). */
  midResponse: boolean;
  /**
   * Claude Code's whole wording, as the user saw it (`You've hit your session limit · resets 5:40pm`,
   * `Request rejected (429) · ...exceeds your organization's rate limit of ...`), on one line, without
   * the `API Error:` prefix, capped; null when it says no more than `message` (or is a raw JSON body). Not redacted:
   * a report redacts it like every other transcript text.
   */
  wording: string | null;
}

/** What went wrong, as far as one line tells. Shared by retries and final failures. */
export interface ErrorDetails extends NewerErrorFacts {
  /**
   * HTTP status the line carries (a status field, the text, or the API's error type), or null
   * (network failures, unknown, auth or plan limits without a number). Safe to show as a status.
   */
  status: number | null;
  failureClass: FailureClass;
  /** Anthropic error type (`api_error`, `overloaded_error`, ...) or Claude Code's category, if known. */
  errorType: string | null;
  /** Every request ID found on the line, best first. */
  requestIds: string[];
  /** `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`, `UND_ERR_...`, or the runtime's `FailedToOpenSocket`, `ConnectionRefused`, ... */
  networkCode: string | null;
  /** One human line, e.g. `500 Internal server error`. */
  message: string;
}

export interface SuccessRecord {
  kind: 'success';
  envelope: RecordEnvelope;
  model: string;
  requestId: string | null;
}

/** What retries and final failures share: one shape, so both are read by the same code. */
export interface ErrorRecord extends ErrorDetails {
  envelope: RecordEnvelope;
  /** Retries only (null on a final failure): 1-based. */
  attempt: number | null;
  maxRetries: number | null;
  retryInMs: number | null;
}

export interface RetryRecord extends ErrorRecord {
  kind: 'retry';
}

export interface FailureRecord extends ErrorRecord {
  kind: 'failure';
}

/**
 * The model declined to answer (`…appears to violate our Usage Policy…`, `…'s safeguards flagged this
 * message…`, `stop_reason: "refusal"`, a `model_refusal_fallback` system line). The API worked: not a
 * failure, never an outage, never a bug to file. Read into the same shape so it can be listed quietly.
 */
export interface RefusalRecord extends ErrorRecord {
  kind: 'refusal';
  /** `stop_details.category` or `api_refusal_category` (`cyber`, `bio`, ...), when the line names one. */
  refusalCategory: string | null;
}

/**
 * The user interrupted or aborted the turn (`[Request interrupted by user]`, `API Error: Request was
 * aborted.`): not a failure, but it ends the session's retrying.
 */
export interface InterruptRecord {
  kind: 'interrupt';
  envelope: RecordEnvelope;
}

/** A line that matters to us. Everything else (user prompts, tool results, summaries) is null. */
export type TranscriptRecord = SuccessRecord | RetryRecord | FailureRecord | RefusalRecord | InterruptRecord;

/** Where a line was read from. */
export interface LineLocation {
  /** Absolute path of the transcript. */
  file: string;
  /** 1-based line number. */
  line: number;
}

/**
 * A retry or final failure with its session context: what `scan --json` prints one per line
 * (see `toScanJson`), what the tracker consumes and what a bug report is built from.
 */
export interface ApiFailureEvent
  extends Omit<ErrorDetails, keyof NewerErrorFacts>, Partial<NewerErrorFacts>, LineLocation, Omit<RecordEnvelope, 'parentUuid'> {
  kind: 'failure' | 'retry';
  /** The session's last real model before this event, or null. */
  model: string | null;
  /** The best request ID (first of `requestIds`), or null. */
  requestId: string | null;
  /** Retries only. */
  attempt: number | null;
  maxRetries: number | null;
  retryInMs: number | null;
  /** Version of the session's last success before this event, when known. */
  lastSuccessVersion: string | null;
  /**
   * The thread's last real response (success line) before this event, when known: a mid-response
   * failure takes the request ID of the cut-off response just before it. Set by the event reader.
   */
  lastResponse?: LastResponse | null;
}

/** Identity of a success line, carried forward as session context. */
export interface LastResponse {
  uuid: string | null;
  requestId: string | null;
  /** Its 1-based line number in the same file. */
  line: number;
}

/** A real API response: ends a session's failure. */
export interface ApiSuccessEvent extends LineLocation {
  kind: 'success';
  uuid: string | null;
  sessionId: string | null;
  timestamp: string | null;
  version: string | null;
  cwd: string | null;
  model: string;
  requestId: string | null;
}

/** The user interrupted or aborted a turn: that session is no longer retrying. */
export interface ApiInterruptEvent extends LineLocation {
  kind: 'interrupt';
  uuid: string | null;
  sessionId: string | null;
  timestamp: string | null;
  version: string | null;
  cwd: string | null;
}

/**
 * A refusal with its session context, in the failure's shape so lists and `scan --json` read it the
 * same way. Never counted as a failure: no outage, no episode, no notification.
 */
export interface ApiRefusalEvent extends Omit<ApiFailureEvent, 'kind'> {
  kind: 'refusal';
  /** `stop_details.category` (`cyber`, `bio`, ...), when the line names one. */
  refusalCategory: string | null;
}

export type ApiEvent = ApiFailureEvent | ApiRefusalEvent | ApiSuccessEvent | ApiInterruptEvent;

/** A retry or final failure (not a success, an interrupt or a refusal). */
export function isFailureEvent(event: ApiEvent): event is ApiFailureEvent {
  return event.kind === 'failure' || event.kind === 'retry';
}

/** The model declined: listed quietly, never counted as a failure. */
export function isRefusalEvent(event: ApiEvent): event is ApiRefusalEvent {
  return event.kind === 'refusal';
}

/**
 * A failure passed as a command's argument (a Recent Failures item, a history panel row), or
 * undefined for anything else (the editor title bar passes the report document's URI).
 */
export function asFailureEvent(value: unknown): ApiFailureEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Partial<Record<keyof ApiFailureEvent, unknown>>;
  const shaped =
    (event.kind === 'failure' || event.kind === 'retry') &&
    typeof event.failureClass === 'string' &&
    typeof event.file === 'string' &&
    typeof event.line === 'number' &&
    Array.isArray(event.requestIds);
  return shaped ? (value as ApiFailureEvent) : undefined;
}

/** What the source sees: whether watching works, and how much it has read. */
export interface WatchingState {
  /** `reading`: the backlog is being read; `live`: following new lines; `missing`: the config dir cannot be read. */
  phase: 'reading' | 'live' | 'missing';
  configDirs: readonly string[];
  /** Why the config dir cannot be read (phase `missing`), else null. */
  problem: string | null;
  /** Transcripts found so far (also those too old to be read). */
  transcripts: number;
  /** Epoch ms of the last line read, or null. */
  lastLineAt: number | null;
}
