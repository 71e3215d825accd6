// How statuses, Anthropic error types and Claude Code's categories map onto each other and onto
// the classes the user sees. Kept in tables so every era of Claude Code reads the same way.
import type { FailureClass } from './types';

/** Anthropic error body `error.type` → the HTTP status it is sent with. */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Claude Code's top-level `error` category on final failures (newer builds). */
const STATUS_BY_CATEGORY: Readonly<Record<string, number>> = {
  rate_limit: 429,
  authentication_failed: 401,
  oauth_org_not_allowed: 403,
  billing_error: 402,
  invalid_request: 400,
  overloaded: 529,
};

const CLASS_BY_CATEGORY: Readonly<Record<string, FailureClass>> = {
  server_error: 'server',
  overloaded: 'overloaded',
  rate_limit: 'rate_limit',
  authentication_failed: 'auth',
  oauth_org_not_allowed: 'auth',
  billing_error: 'client',
  invalid_request: 'client',
  model_not_found: 'client',
  max_output_tokens: 'client',
  // 2.1.27x: the account held or unverified, Bedrock/Vertex credentials; the organisation's data policy.
  account_on_hold: 'auth',
  verification_required: 'auth',
  cloud_credential_error: 'auth',
  dlp_request_denied: 'client',
  // `unknown` is no category at all: the wording and the other fields decide.
};

export function statusFromErrorType(errorType: string | null | undefined): number | null {
  return (errorType && STATUS_BY_ERROR_TYPE[errorType]) || null;
}

export function statusFromCategory(category: string | null | undefined): number | null {
  return (category && STATUS_BY_CATEGORY[category]) || null;
}

/** A category this release knows (`unknown`, which means none, included). */
export function isKnownCategory(category: string): boolean {
  return category === 'unknown' || Object.hasOwn(CLASS_BY_CATEGORY, category);
}

export function classFromCategory(category: string | null | undefined): FailureClass | null {
  return (category && CLASS_BY_CATEGORY[category]) || null;
}

export function classFromStatus(status: number): FailureClass {
  if (status === 529) return 'overloaded';
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 && status <= 599) return 'server';
  if (status >= 400 && status <= 499) return 'client';
  return 'unknown';
}

/**
 * Words in Claude Code's own error text that tell the class when no status does.
 * Only ever applied to the text of a record already known (by structure) to be an API error.
 */
const CLASS_BY_WORDING: ReadonlyArray<readonly [RegExp, FailureClass]> = [
  [/overloaded/i, 'overloaded'],
  [/server error|server-side|internal server|bad gateway|service unavailable|gateway time-?out/i, 'server'],
  [
    /rate limit|usage limit|session limit|weekly (?:\w+ )?limit|monthly (?:spend |usage )?limit|limit reached|too many requests|resets? |reached your [^·]{1,60}? limit|out of (?:extra usage|usage credits)|requires usage credits/i,
    'rate_limit',
  ],
  [/log ?in|logged in|api key|oauth|token (?:has )?(?:expired|revoked)|unauthori[sz]ed|forbidden|not allowed|credential|permission/i, 'auth'],
  [/connect|network|timed out|timeout|dns|internet|offline|socket|fetch failed|reach the api/i, 'network'],
  [/credit balance|billing|invalid request|prompt is too long|not found|too large/i, 'client'],
];

export function classFromWording(text: string): FailureClass | null {
  for (const [pattern, failureClass] of CLASS_BY_WORDING) {
    if (pattern.test(text)) return failureClass;
  }
  return null;
}

/** Decide the class from the strongest evidence available: status, network code, a lost connection, category, wording. */
export function decideClass(evidence: {
  status: number | null;
  networkCode: string | null;
  category: string | null;
  text: string;
}): FailureClass {
  // An HTTP 200 that is no answer (a proxy's empty reply) is not a status that classifies.
  if (evidence.status !== null && evidence.status >= 400) return classFromStatus(evidence.status);
  if (evidence.networkCode) return 'network';
  // Claude Code files a stream that went quiet under `server_error` or `unknown`: the words say connection.
  const head = firstLineOf(evidence.text);
  // Claude Code's own timeout (`Request timed out`) is filed under `server_error` by some builds: no answer came.
  if (connectionLossIn(head) || /^(?:Request|Connection) timed out\b/i.test(head)) return 'network';
  if (evidence.status !== null) return classFromStatus(evidence.status);
  return classFromCategory(evidence.category) ?? classFromWording(evidence.text) ?? 'unknown';
}

function firstLineOf(text: string): string {
  const start = text.slice(0, 4096).trimStart();
  const newline = start.indexOf('\n');
  return (newline < 0 ? start : start.slice(0, newline)).replace(/^API Error:?\s*/i, '');
}

/** A connection that failed during the answer, as Claude Code words it (2.1.1xx–2.1.27x). */
export interface ConnectionLoss {
  /** What it means for the user, on one line (no sentence break: it is a short message). */
  message: string;
  /** Part of an answer arrived before the connection failed: it may be incomplete. */
  cutOff: boolean;
}

const CONNECTION_LOSSES: ReadonlyArray<readonly [RegExp, ConnectionLoss]> = [
  [/^Connection closed mid-response/i, { message: 'Connection closed mid-response — the answer may be incomplete', cutOff: true }],
  [
    /^Stream idle timeout\W{1,4}partial response/i,
    { message: 'Stream idle timeout after a partial response — the answer may be incomplete', cutOff: true },
  ],
  [
    /^Stream idle timeout\W{1,4}no chunks/i,
    { message: 'Stream idle timeout, no data received — the connection stalled (a proxy may be interfering)', cutOff: false },
  ],
  [/^Stream idle timeout/i, { message: 'Stream idle timeout — the answer may be incomplete', cutOff: false }],
  // undici's word for a stream the network (or a proxy) cut: `API Error: terminated`.
  [/^terminated\.?$/i, { message: 'Connection terminated (the network or a proxy cut the stream) — the answer may be incomplete', cutOff: false }],
  [
    /^(?:API returned an )?empty or malformed response/i,
    { message: 'Empty or malformed response (HTTP 200) — a proxy or gateway may be interfering; the answer may be incomplete', cutOff: false },
  ],
];

/** The connection loss a line of Claude Code's text (without `API Error:`) reports, or null. */
export function connectionLossIn(line: string): ConnectionLoss | null {
  const head = line.slice(0, 200).replace(/^API Error:?\s*/i, '').replace(/^\(/, '');
  for (const [pattern, loss] of CONNECTION_LOSSES) if (pattern.test(head)) return loss;
  return null;
}

/**
 * The model declined (Claude Code's wording of a refusal, 1.0.x to 2.1.27x): `…appears to violate our
 * Usage Policy…`, `Fable 5's safeguards flagged this message…`, `Sonnet 5 has safety measures that
 * flagged this message…`, `Claude can't help with this. Start a new session…`. Only the head of a
 * line already known to be an API error message is looked at.
 */
const REFUSAL_WORDING =
  /appears to violate (?:our|the) Usage Policy|safeguards (?:have )?flagged this (?:message|session|request)|safety measures that flagged this|can't help with this\. Start a new session/i;

export function isRefusalWording(text: string): boolean {
  return REFUSAL_WORDING.test(text.slice(0, 600));
}

/**
 * Network error codes in both spellings (ARCHITECTURE.md §1.1): Node's (`ECONNRESET`, `ENOTFOUND`,
 * `EAI_AGAIN`, `UND_ERR_CONNECT_TIMEOUT`) and those of Claude Code's own runtime, CamelCase
 * (`FailedToOpenSocket`, `ConnectionRefused`, `ConnectionClosed`). The CamelCase ones must name a
 * connection word, so a project name in parentheses is never taken for one.
 */
const NODE_NETWORK_CODE = /^(?:E[A-Z][A-Z0-9_]{2,}|UND_ERR_[A-Z_]+)$/;
const RUNTIME_NETWORK_CODE = /^(?:[A-Z][a-z0-9]+){2,6}$/;
const RUNTIME_NETWORK_WORD = /Connect|Socket|Timeout|TimedOut|Network|Dns|DNS|Host|Tls|TLS|Certificate|Closed|Refused|Reset|Unreachable|Fetch/;
/** TLS failures as both runtimes name them (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`). */
const UPPER_SNAKE = /^[A-Z][A-Z0-9_]+$/;
const TLS_WORD = /CERT|SSL|TLS/;

export function isNetworkCode(code: string): boolean {
  if (code.length > 64) return false;
  return NODE_NETWORK_CODE.test(code) || (UPPER_SNAKE.test(code) && TLS_WORD.test(code)) || (RUNTIME_NETWORK_CODE.test(code) && RUNTIME_NETWORK_WORD.test(code));
}

/** `(ECONNRESET)` or `(FailedToOpenSocket)` in an error text: the last such code, or null. */
export function networkCodeInText(text: string): string | null {
  let found: string | null = null;
  for (const match of text.matchAll(/\(([A-Za-z][A-Za-z0-9_]{2,63})\)/g)) {
    if (isNetworkCode(match[1])) found = match[1];
  }
  return found;
}
