// One transcript line → a typed record. Classification is by structure only (`type`, `subtype`,
// `isApiErrorMessage`): text that merely quotes an error — a prompt, a tool result, Claude's prose —
// is never a failure. The error text is read only once the structure says it is an API error.
import { isJsonObject as isObject, type JsonObject as Json } from './json';
import { classFromWording, decideClass, statusFromCategory, statusFromErrorType } from './classify';
import type {
  ErrorDetails,
  FailureRecord,
  RecordEnvelope,
  RetryRecord,
  SuccessRecord,
  TranscriptRecord,
} from './types';

const SYNTHETIC_MODEL = '<synthetic>';
const MAX_MESSAGE_LENGTH = 240;
/** Regexes see at most this much of an error text (DESIGN §4: linear time, bounded input). */
const MAX_SCANNED_TEXT = 64 * 1024;
const REQUEST_ID_PATTERN = /\breq_[A-Za-z0-9]{6,}/g;
const NETWORK_CODE_IN_TEXT = /\((E[A-Z0-9_]{3,}|UND_ERR_[A-Z_]+)\)/;
const STATUS_AFTER_API_ERROR = /^API Error(?::\s*|\s*\()(\d{3})\b/;

/**
 * Final "failures" that are not failures: the user cancelled, or Claude Code had nothing to send.
 * They must never light the indicator.
 */
const NOT_A_FAILURE = [
  /^API Error: Request was aborted\.?$/i,
  /^Request was aborted\.?$/i,
  /^Operation aborted\.?$/i,
  /^\[Request interrupted by user/i,
  /^No response requested\.?$/i,
];

/** Parse one raw line; malformed or partial JSON is not a record. */
export function parseTranscriptLine(text: string): TranscriptRecord | null {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  return parseTranscriptRecord(value);
}

export function parseTranscriptRecord(value: unknown): TranscriptRecord | null {
  if (!isObject(value)) return null;
  if (value.type === 'system' && value.subtype === 'api_error') return readRetry(value);
  if (value.type === 'assistant') {
    if (value.isApiErrorMessage === true) return readFailure(value);
    return readSuccess(value);
  }
  return null;
}

function readEnvelope(line: Json): RecordEnvelope {
  return {
    uuid: str(line.uuid),
    sessionId: str(line.sessionId),
    timestamp: str(line.timestamp),
    version: str(line.version),
    cwd: str(line.cwd),
    gitBranch: str(line.gitBranch),
    entrypoint: str(line.entrypoint),
    isSidechain: line.isSidechain === true,
    agentId: str(line.agentId),
  };
}

function readSuccess(line: Json): SuccessRecord | null {
  const message = obj(line.message);
  const model = str(message?.model);
  if (!model || model === SYNTHETIC_MODEL) return null;
  return { kind: 'success', envelope: readEnvelope(line), model, requestId: str(line.requestId) };
}

/** `type:"system", subtype:"api_error"`: Claude Code is retrying. Three shapes of `error` over time. */
function readRetry(line: Json): RetryRecord {
  // A plain string is the error's message, as some writers serialize it.
  const error = obj(line.error) ?? (typeof line.error === 'string' ? { message: line.error } : {});
  // early 2.1.x: the serialized SDK error's response body; later: the raw body inside `message`.
  const sdkBody = obj(error.error) ?? embeddedErrorBody(str(error.message) ?? '');
  const apiError = obj(sdkBody?.error) ?? (sdkBody && sdkBody.type !== 'error' ? sdkBody : null);
  const errorType = str(apiError?.type) ?? str(error.type);

  const networkCode =
    str(obj(error.connection)?.code) ?? str(obj(error.cause)?.code) ?? str(obj(line.cause)?.code) ?? codeField(error);
  const status =
    num(error.status) ?? num(line.status) ?? statusFromHeaders(error) ?? statusFromErrorType(errorType) ?? leadingStatus(str(error.message));
  const rawMessage =
    str(apiError?.message) ?? firstLine(str(error.message)) ?? firstLine(str(error.formatted)) ?? firstLine(str(line.content));

  const requestIds = unique([
    str(error.requestID),
    str(error.requestId),
    str(sdkBody?.request_id),
    requestIdFromHeaders(error),
    str(line.requestId),
    ...idsInText(str(error.message)),
  ]);

  return {
    kind: 'retry',
    envelope: readEnvelope(line),
    ...describe({ status, networkCode, errorType, category: null, text: rawMessage ?? '', requestIds }),
    attempt: num(line.retryAttempt),
    maxRetries: num(line.maxRetries),
    retryInMs: num(line.retryInMs),
  };
}

/** `type:"assistant", isApiErrorMessage:true`: Claude Code gave up; the text is what the user saw. */
function readFailure(line: Json): FailureRecord | null {
  const text = messageText(line).trim().slice(0, MAX_SCANNED_TEXT);
  if (NOT_A_FAILURE.some((pattern) => pattern.test(text))) return null;

  const category = str(line.error);
  const body = embeddedErrorBody(text);
  const bodyError = obj(body?.error);
  const errorType = str(bodyError?.type) ?? category;

  const networkCode = NETWORK_CODE_IN_TEXT.exec(text)?.[1] ?? null;
  const status =
    num(line.apiErrorStatus) ??
    num(obj(line.error)?.status) ??
    statusInText(text) ??
    statusFromErrorType(str(bodyError?.type)) ??
    (networkCode ? null : statusFromCategory(category));

  const requestIds = unique([str(line.requestId), str(body?.request_id), ...idsInText(text)]);
  const humanText = bodyError ? str(bodyError.message) ?? text : text;

  return {
    kind: 'failure',
    envelope: readEnvelope(line),
    ...describe({ status, networkCode, errorType, category, text: humanText, requestIds }),
  };
}

function describe(evidence: {
  status: number | null;
  networkCode: string | null;
  errorType: string | null;
  category: string | null;
  text: string;
  requestIds: string[];
}): ErrorDetails {
  const failureClass = decideClass(evidence);
  return {
    status: evidence.status,
    failureClass: failureClass === 'unknown' && /timed out/i.test(evidence.text) ? 'network' : failureClass,
    errorType: evidence.errorType,
    requestIds: evidence.requestIds,
    networkCode: evidence.networkCode,
    message: humanMessage(evidence.status, evidence.networkCode, evidence.text),
  };
}

/** One human line: `500 Internal server error`, `Unable to connect to API (ECONNRESET)`. */
function humanMessage(status: number | null, networkCode: string | null, text: string): string {
  let line = (firstLine(text.slice(0, MAX_SCANNED_TEXT)) ?? '').replace(/^API Error:?\s*/i, '').replace(/^\((.*)\)$/, '$1');
  // The raw-body era puts the JSON after the status; the body's message was already taken.
  const brace = line.indexOf('{');
  line = (brace < 0 ? line : line.slice(0, brace)).trim();
  // Keep the first sentence: the rest is Claude Code's advice ("try again in a moment...").
  const sentenceEnd = line.search(/\.\s|\s·\s/);
  if (sentenceEnd > 0) line = line.slice(0, sentenceEnd);
  line = line.replace(/\.$/, '');
  if (status !== null && !line.includes(String(status))) line = line ? `${status} ${line}` : String(status);
  if (!line) line = networkCode ? `Connection error (${networkCode})` : 'API error';
  if (networkCode && !line.includes(networkCode)) line += ` (${networkCode})`;
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line;
}

/** `529 {...}` or `500 Internal server error`: the status an SDK error message starts with. */
function leadingStatus(message: string | null): number | null {
  const match = message ? /^([45]\d\d)\b/.exec(message.trim()) : null;
  return match ? Number(match[1]) : null;
}

/** The status in Claude Code's own wording: `API Error: 500 ...`, `Repeated 529 ...`, `(429)`. */
function statusInText(text: string): number | null {
  const leading = STATUS_AFTER_API_ERROR.exec(text);
  if (leading) return Number(leading[1]);
  const head = text.split(/\.\s|\s·\s/)[0] ?? '';
  const inHead = /(?:^|[\s(])([45]\d\d)(?=[\s).,:]|$)/.exec(head);
  if (inHead) return Number(inHead[1]);
  // Plan limits carry no number but are 429s to the user.
  if (classFromWording(head) === 'rate_limit' && /limit/i.test(head)) return 429;
  return null;
}

/** The raw JSON error body that 0.2.x–2.1.107 put in the text, if any. */
function embeddedErrorBody(text: string): Json | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(start, end + 1));
    return isObject(parsed) && (parsed.type === 'error' || isObject(parsed.error)) ? parsed : null;
  } catch {
    return null;
  }
}

function messageText(line: Json): string {
  const content = obj(line.message)?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (isObject(block) && typeof block.text === 'string' ? block.text : ''))
    .filter(Boolean)
    .join('\n');
}

function statusFromHeaders(error: Json): number | null {
  const headers = obj(error.headers);
  return headers ? num(headers[':status']) : null;
}

function requestIdFromHeaders(error: Json): string | null {
  const headers = obj(error.headers);
  return headers ? str(headers['request-id']) ?? str(headers['x-request-id']) : null;
}

function codeField(error: Json): string | null {
  const code = str(error.code);
  return code && /^E[A-Z0-9_]{3,}$/.test(code) ? code : null;
}

function idsInText(text: string | null): string[] {
  return text ? text.slice(0, MAX_SCANNED_TEXT).match(REQUEST_ID_PATTERN) ?? [] : [];
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v && v.startsWith('req_')))];
}

function firstLine(text: string | null): string | null {
  if (!text) return null;
  const trimmed = text.trim();
  const newline = trimmed.indexOf('\n');
  return newline < 0 ? trimmed : trimmed.slice(0, newline);
}

function obj(value: unknown): Json | null {
  return isObject(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}
