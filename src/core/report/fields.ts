// The typed fields of a report. Every value a transcript gives that has a shape (a status, an error
// type, a model, a version, an entrypoint, a network code, a limit window, a request ID, a session
// ID) is parsed into that shape, and only what was parsed is printed. A value that does not fit is
// printed as UNRECOGNISED, never as it was: a secret, a link or an @mention in a field that should
// hold `claude-opus-4-5` goes nowhere. The grammars are narrow on purpose: nothing they accept can
// hold Markdown, a mention, an issue reference or a word of free text.
import { FAILURE_CLASSES, type FailureClass } from '../types';

export const UNRECOGNISED = '(unrecognised value)';

/** An HTTP status: an integer from 100 to 599. */
export function parseStatus(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? value : null;
}

/** A small count (an attempt, a retry limit): an integer from 0 to 9999. */
export function parseCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9999 ? value : null;
}

export function parseFailureClass(value: unknown): FailureClass {
  return (FAILURE_CLASSES as readonly unknown[]).includes(value) ? (value as FailureClass) : 'unknown';
}

/** The API's error types and Claude Code's error categories. */
const ERROR_TYPES = new Set([
  // The API's `error.type`.
  'api_error',
  'overloaded_error',
  'rate_limit_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'invalid_request_error',
  'billing_error',
  'timeout_error',
  'service_unavailable_error',
  // Claude Code's `error` category.
  'server_error',
  'overloaded',
  'rate_limit',
  'authentication_failed',
  'oauth_org_not_allowed',
  'invalid_request',
  'model_not_found',
  'max_output_tokens',
  'account_on_hold',
  'verification_required',
  'dlp_request_denied',
  'cloud_credential_error',
  'unknown',
]);

export function parseErrorType(value: unknown): string | null {
  return typeof value === 'string' && ERROR_TYPES.has(value) ? value : null;
}

/** Network codes of Node, undici, OpenSSL and Claude Code's own runtime. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EPROTO',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'ECANCELED',
  'EPERM',
  'EACCES',
  'EMFILE',
  'ENOBUFS',
  'ENOMEM',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_ABORTED',
  'UND_ERR_INFO',
  'UND_ERR_RESPONSE_STATUS_CODE',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_PRX_TLS',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'FailedToOpenSocket',
  'ConnectionRefused',
  'ConnectionClosed',
  'ConnectionReset',
  'ConnectionTimedOut',
  'ConnectTimeout',
  'SocketClosed',
  'Timeout',
  'TimeoutError',
  'UnableToConnect',
  'DNSError',
  'NetworkError',
  'TLSHandshakeFailed',
  'CertificateVerificationFailed',
]);

export function parseNetworkCode(value: unknown): string | null {
  return typeof value === 'string' && NETWORK_CODES.has(value) ? value : null;
}

/** `2.1.110`, `1.0.3-beta.2`. */
const VERSION = /^\d{1,3}\.\d{1,3}\.\d{1,4}(?:-(?:alpha|beta|rc|dev|next|canary|preview|insiders)(?:\.\d{1,4})?)?$/;

export function parseVersion(value: unknown): string | null {
  return typeof value === 'string' && VERSION.test(value) ? value : null;
}

/** Claude Code's `entrypoint` values. */
const ENTRYPOINTS = new Set([
  'cli',
  'sdk-cli',
  'sdk-ts',
  'sdk-py',
  'claude-vscode',
  'claude-desktop',
  'claude-jetbrains',
  'local-agent',
  'remote',
  'mcp',
  'github-action',
  'claude-code-github-action',
]);

export function parseEntrypoint(value: unknown): string | null {
  return typeof value === 'string' && ENTRYPOINTS.has(value) ? value : null;
}

/** The words a Claude model id is made of, besides numbers. */
const MODEL_WORDS = new Set(['opus', 'sonnet', 'haiku', 'instant', 'latest', 'preview', 'thinking', 'fast', 'v']);
/**
 * `claude-sonnet-4-5-20250929`, `claude-opus-4-5[1m]`, Vertex's `claude-3-7-sonnet@20250219`,
 * Bedrock's `us.anthropic.claude-opus-4-1-20250805-v1:0`: an optional region and `anthropic.`,
 * `claude`, then `-`/`.`-separated numbers and model words.
 */
const MODEL = /^(?:(?:us|eu|apac|global|jp|au|ca|us-gov)\.)?(?:anthropic\.)?claude((?:[-.][a-z0-9]{1,12}){1,10})(?:@\d{8})?(?::\d{1,2})?(?:\[1m\])?$/;

export function parseModel(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = MODEL.exec(value);
  if (!match) return null;
  const parts = match[1].slice(1).split(/[-.]/);
  return parts.every((part) => /^\d{1,8}$/.test(part) || MODEL_WORDS.has(part) || /^v\d{1,2}$/.test(part)) ? value : null;
}

/** `req_011CQ7b6x5Y4vZ3aW2uT1sR0`, Bedrock's and Vertex's `req_bdrk_...`, `req_vrtx_...`. */
const REQUEST_ID = /^req_(?:[a-z]{2,8}_)?[A-Za-z0-9]{1,64}$/;

export function parseRequestId(value: unknown): string | null {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : null;
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;
/** Characters of a session ID shown: enough to find its transcript. */
export const SHORT_SESSION_ID = 8;

/**
 * The session, as the first characters of its ID: the line's `sessionId` when it is a UUID and
 * names the transcript it was read from (`<sessionId>.jsonl`, or a subagent's file in the
 * `<sessionId>/` folder), else the transcript's own name when that is a session ID; null when
 * neither is one. So a `sessionId` field holding anything else (a token, a link) is never shown.
 */
export function parseSessionId(sessionId: unknown, file: unknown): string | null {
  const segments = typeof file === 'string' ? file.split(/[\\/]/).map((segment) => segment.replace(/\.jsonl$/i, '').toLowerCase()) : [];
  if (typeof sessionId === 'string' && UUID.test(sessionId) && segments.includes(sessionId.toLowerCase())) {
    return sessionId.slice(0, SHORT_SESSION_ID).toLowerCase();
  }
  const own = segments.length ? segments[segments.length - 1] : '';
  if (UUID.test(own)) return own.slice(0, SHORT_SESSION_ID);
  const folder = [...segments].reverse().find((segment) => UUID.test(segment));
  return folder ? folder.slice(0, SHORT_SESSION_ID) : null;
}

/** Scope words of a limit window (`seven_day_opus` → `7-day Opus`). */
const LIMIT_SCOPE_WORDS = new Set(['Opus', 'Sonnet', 'Haiku', 'Oauth', 'Apps', 'Overage', 'Model', 'Credits', 'Spend', 'Extra', 'Usage']);
const LIMIT_PHRASE_WORDS = new Set(['monthly', 'weekly', 'daily', 'hourly', 'spend', 'usage', 'limit', 'overage', 'extra', 'session', 'org', 'organization', 'model', 'credits', 'opus', 'sonnet', 'haiku']);

/** A plan limit's window as the record layer words it: `5-hour`, `7-day Opus`, `monthly spend`. */
export function parseLimitWindow(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^\d{1,3}-(?:minute|hour|day|week|month)((?: [A-Z][a-z]{1,12}){0,3})$/.exec(value);
  if (match) return match[1].split(' ').every((word) => !word || LIMIT_SCOPE_WORDS.has(word)) ? value : null;
  const words = value.split(' ');
  return words.length <= 4 && words.every((word) => LIMIT_PHRASE_WORDS.has(word)) ? value : null;
}

/** An ISO 8601 time, as UTC ISO; null for anything else. */
export function parseTime(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
