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
  gitBranch: string | null;
  /** `cli`, `claude-vscode`, `sdk-ts`, ... */
  entrypoint: string | null;
  isSidechain: boolean;
  agentId: string | null;
}

/** What went wrong, as far as one line tells. Shared by retries and final failures. */
export interface ErrorDetails {
  /** HTTP status, or null (network failures, unknown). */
  status: number | null;
  failureClass: FailureClass;
  /** Anthropic error type (`api_error`, `overloaded_error`, ...) or Claude Code's category, if known. */
  errorType: string | null;
  /** Every request ID found on the line, best first. */
  requestIds: string[];
  /** `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`, ... */
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

export interface RetryRecord extends ErrorDetails {
  kind: 'retry';
  envelope: RecordEnvelope;
  /** 1-based. */
  attempt: number | null;
  maxRetries: number | null;
  retryInMs: number | null;
}

export interface FailureRecord extends ErrorDetails {
  kind: 'failure';
  envelope: RecordEnvelope;
}

/** A line that matters to us. Everything else (user prompts, tool results, aborts, summaries) is null. */
export type TranscriptRecord = SuccessRecord | RetryRecord | FailureRecord;

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
export interface ApiFailureEvent extends ErrorDetails, LineLocation {
  kind: 'failure' | 'retry';
  uuid: string | null;
  sessionId: string | null;
  timestamp: string | null;
  version: string | null;
  cwd: string | null;
  entrypoint: string | null;
  isSidechain: boolean;
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

export type ApiEvent = ApiFailureEvent | ApiSuccessEvent;
