// One transcript line → a typed record. Classification is by structure only (`type`, `subtype`,
// `isApiErrorMessage`): text that merely quotes an error — a prompt, a tool result, Claude's prose —
// is never a failure. The error text is read only once the structure says it is an API error.
import { isJsonObject as isObject, type JsonObject as Json } from './json';
import {
  classFromWording,
  connectionLossIn,
  decideClass,
  isKnownCategory,
  isNetworkCode,
  isRefusalWording,
  networkCodeInText,
  statusFromCategory,
  statusFromErrorType,
} from './classify';
import { limitWindowLabel, resetTimeFromEpoch, wordedLimit } from './planLimit';
import type {
  ErrorDetails,
  ErrorRecord,
  FailureRecord,
  InterruptRecord,
  RecordEnvelope,
  RefusalRecord,
  RetryRecord,
  StatusSource,
  SuccessRecord,
  TranscriptRecord,
} from './types';

const SYNTHETIC_MODEL = '<synthetic>';
/** Regexes see at most this much of an error text (ARCHITECTURE.md §4: linear time, bounded input). */
const MAX_SCANNED_TEXT = 64 * 1024;
const REQUEST_ID_PATTERN = /\breq_[A-Za-z0-9]{6,}/g;
const STATUS_AFTER_API_ERROR = /^API Error(?::\s*|\s*\()(\d{3})\b/;

/** The user cancelled the turn: never a failure, but the end of that session's retrying. */
const USER_ABORT = [/^API Error: Request was aborted\.?$/i, /^Request was aborted\.?$/i, /^Operation aborted\.?$/i, /^\[Request interrupted by user/i];

/**
 * Final "failures" that are not failures: the user cancelled, or Claude Code had nothing to send.
 * They must never light the indicator.
 */
const NOT_A_FAILURE = [...USER_ABORT, /^No response requested\.?$/i];

/** What Claude Code writes as the user's turn when the user stops it (Esc, Ctrl+C): the whole text. */
const INTERRUPT_TEXT = /^\[Request interrupted by user[^\]\n]{0,40}\]$/;

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
  if (value.type === 'system') {
    if (value.subtype === 'api_error') return readRetry(value);
    if (value.subtype === 'model_refusal_fallback' || value.subtype === 'model_refusal_no_fallback') return readRefusalNotice(value);
    return null;
  }
  if (value.type === 'user') return readInterrupt(value);
  if (value.type === 'assistant') {
    if (value.isApiErrorMessage === true) return readFailure(value);
    // A real model's answer that ended in a refusal: the API worked, the model declined.
    if (refusalStop(value)) return readModelRefusal(value);
    return readSuccess(value);
  }
  return null;
}

/** Claude Code's category `unknown` means "no category": read as if the line had none. */
function categoryOf(line: Json): string | null {
  const category = str(line.error);
  return category === 'unknown' ? null : category;
}

/** `message.stop_reason: "refusal"` or `message.stop_details.type: "refusal"` (the API's own refusal signal). */
function refusalStop(line: Json): boolean {
  const message = obj(line.message);
  if (!message) return false;
  return message.stop_reason === 'refusal' || obj(message.stop_details)?.type === 'refusal' || obj(line.stop_details)?.type === 'refusal';
}

function refusalCategoryOf(line: Json): string | null {
  const details = obj(obj(line.message)?.stop_details) ?? obj(line.stop_details);
  const category = str(details?.category) ?? str(line.api_refusal_category) ?? str(line.apiRefusalCategory);
  // Transcript text: only a short plain word goes on.
  return category && /^[A-Za-z0-9_-]{1,40}$/.test(category) ? category : null;
}

/** Top-level keys that say "this line is about an API error", whatever else it holds. */
const ERROR_MARKER_KEYS = ['isApiErrorMessage', 'apiErrorStatus', 'apiErrorIsTransient', 'errorDetails'] as const;

/**
 * Whether a parsed line carries an error marker (`isApiErrorMessage`, an `api_error` subtype,
 * `apiErrorStatus`, ...) that the reader could not turn into a record it understands: no record at
 * all (and not one of the known non-failures, such as a user's abort), or a failure or retry of
 * which nothing could be read. Such a line is an *unknown shape*: a sign that Claude Code changed
 * its format. Only structure is looked at: a tool result that quotes a marker is not one.
 */
export function isUnknownErrorShape(value: unknown, record: TranscriptRecord | null): boolean {
  if (!isObject(value)) return false;
  const marked =
    value.subtype === 'api_error' ||
    value.isApiErrorMessage === true ||
    ERROR_MARKER_KEYS.some((key) => key !== 'isApiErrorMessage' && value[key] !== undefined && value[key] !== null);
  if (!marked) return false;
  if (record === null) {
    // The known non-failures: a user's abort or interrupt, "No response requested.".
    if (value.type === 'assistant' && value.isApiErrorMessage === true) return !NOT_A_FAILURE.some((p) => p.test(messageText(value).trim().slice(0, MAX_SCANNED_TEXT)));
    return true;
  }
  // A real response that also carries a marker field: read as the success it is; a user's abort.
  if (record.kind === 'success' || record.kind === 'interrupt' || record.kind === 'refusal') return false;
  // A category no release of ours knows, on a failure nothing else could class: a new kind of error.
  if (record.kind === 'failure' && record.failureClass === 'unknown' && typeof value.error === 'string' && value.error && !isKnownCategory(value.error)) return true;
  return (
    record.status === null &&
    record.impliedStatus === null &&
    record.networkCode === null &&
    record.errorType === null &&
    record.requestIds.length === 0 &&
    record.message === 'API error'
  );
}

function readEnvelope(line: Json): RecordEnvelope {
  return {
    uuid: str(line.uuid),
    sessionId: str(line.sessionId),
    timestamp: str(line.timestamp),
    version: str(line.version),
    cwd: str(line.cwd),
    entrypoint: str(line.entrypoint),
    isSidechain: line.isSidechain === true,
    parentUuid: str(line.parentUuid),
  };
}

function readSuccess(line: Json): SuccessRecord | null {
  const message = obj(line.message);
  const model = str(message?.model);
  if (!model || model === SYNTHETIC_MODEL) return null;
  return { kind: 'success', envelope: readEnvelope(line), model, requestId: str(line.requestId) };
}

/**
 * `type:"user"` whose only text is `[Request interrupted by user]` (or `... for tool use]`): the user
 * stopped the turn. Tool results are never text blocks, so one that quotes the marker is not this.
 */
function readInterrupt(line: Json): InterruptRecord | null {
  const content = obj(line.message)?.content;
  const texts =
    typeof content === 'string'
      ? [content]
      : Array.isArray(content)
        ? content.filter((block) => isObject(block) && block.type === 'text').map((block) => str((block as Json).text) ?? '')
        : [];
  if (texts.length !== 1 || !INTERRUPT_TEXT.test(texts[0].trim())) return null;
  return { kind: 'interrupt', envelope: readEnvelope(line) };
}

/** `type:"system", subtype:"api_error"`: Claude Code is retrying. Three shapes of `error` over time. */
function readRetry(line: Json): RetryRecord {
  // A plain string is the error's message, as some writers serialize it.
  const error = obj(line.error) ?? (typeof line.error === 'string' ? { message: line.error } : {});
  // early 2.1.x: the serialized SDK error's response body; later: the raw body inside `message`.
  const sdkBody = obj(error.error) ?? (html(str(error.message)) ? null : embeddedErrorBody(str(error.message) ?? ''));
  const apiError = obj(sdkBody?.error) ?? (sdkBody && sdkBody.type !== 'error' ? sdkBody : null);
  const errorType = str(apiError?.type) ?? str(error.type);

  const networkCode =
    str(obj(error.connection)?.code) ??
    str(obj(error.cause)?.code) ??
    str(obj(line.cause)?.code) ??
    codeField(error) ??
    networkCodeInText(firstLine(str(error.message)) ?? '');
  const status = firstOf<StatusSource>(
    ['record', num(error.status) ?? num(line.status) ?? statusFromHeaders(error)],
    ['errorType', statusFromErrorType(errorType)],
    ['text', leadingStatus(str(error.message))],
  );
  const rawMessage =
    str(apiError?.message) ?? firstLine(str(error.message)) ?? firstLine(str(error.formatted)) ?? firstLine(str(line.content));
  // The human wording, when the error carries one beside (or instead of) a raw body.
  const wordingText = html(str(error.formatted) ?? str(error.message) ?? str(line.content)) ? null : (str(error.formatted) ?? (sdkBody ? null : str(error.message) ?? str(line.content)));

  const requestIds = unique([
    str(error.requestID),
    str(error.requestId),
    str(sdkBody?.request_id),
    requestIdFromHeaders(error),
    str(line.requestId),
    ...idsInText(str(error.message)),
  ]);

  return describe('retry', line, {
    status: status.status,
    statusSource: status.statusSource,
    impliedStatus: null,
    networkCode,
    errorType,
    category: null,
    text: rawMessage ?? '',
    wordingText,
    requestIds,
    newer: newerFacts(line, rawMessage ?? ''),
    retry: { attempt: num(line.retryAttempt), maxRetries: num(line.maxRetries), retryInMs: num(line.retryInMs) },
  });
}

/** `type:"assistant", isApiErrorMessage:true`: Claude Code gave up; the text is what the user saw. */
function readFailure(line: Json): FailureRecord | RefusalRecord | InterruptRecord | null {
  const text = messageText(line).trim().slice(0, MAX_SCANNED_TEXT);
  if (USER_ABORT.some((pattern) => pattern.test(text))) return { kind: 'interrupt', envelope: readEnvelope(line) };
  if (NOT_A_FAILURE.some((pattern) => pattern.test(text))) return null;
  if (refusalStop(line) || isRefusalWording(text)) return readRefusal(line, text);

  const category = categoryOf(line);
  const body = html(text) ? null : embeddedErrorBody(text);
  const bodyError = obj(body?.error);
  // 2.1.2xx+: the raw API error beside the human text, e.g. `429 {"type":"error",...,"request_id":"req_..."}`.
  const rawDetails = (str(line.errorDetails) ?? (isObject(line.errorDetails) ? safeStringify(line.errorDetails) : null))?.slice(0, MAX_SCANNED_TEXT) ?? null;
  const detailsBody = rawDetails ? embeddedErrorBody(rawDetails) : null;
  const detailsError = obj(detailsBody?.error) ?? (detailsBody && detailsBody.type !== 'error' ? detailsBody : null);
  const errorType = str(bodyError?.type) ?? str(detailsError?.type) ?? category;

  const networkCode = networkCodeInText(firstLine(text) ?? '') ?? networkCodeOf(obj(line.error)) ?? networkCodeOf(obj(line.cause));
  const status = firstOf<StatusSource>(
    ['record', num(line.apiErrorStatus) ?? num(obj(line.error)?.status) ?? leadingStatus(rawDetails) ?? num(obj(line.errorDetails)?.status)],
    ['text', statusInText(text)],
    ['errorType', statusFromErrorType(str(bodyError?.type)) ?? statusFromErrorType(str(detailsError?.type))],
  );
  // A status only the category (or the wording of a plan limit) implies: said as such, never shown as HTTP.
  const impliedStatus = status.status !== null || networkCode ? null : (statusFromCategory(category) ?? planLimitStatus(text));

  const requestIds = unique([
    str(line.requestId),
    str(body?.request_id),
    ...idsInText(text),
    str(detailsBody?.request_id),
    ...idsInText(rawDetails),
  ]);
  const humanText = bodyError ? str(bodyError.message) ?? text : text;

  return describe('failure', line, {
    status: status.status,
    statusSource: status.statusSource,
    impliedStatus,
    networkCode,
    errorType,
    category,
    text: humanText,
    // The raw-body era's text is JSON: its message is the body's, and there is no other wording
    // (nor in an HTML page a proxy sent instead of the API's answer).
    wordingText: body || html(text) ? null : text,
    requestIds,
    newer: newerFacts(line, text, true),
    retry: null,
  });
}

/**
 * The refusal's own line (`isApiErrorMessage` with `stop_reason: "refusal"`, or the wording of one):
 * read like a failure for its request ID and words, but the API answered (no status) and it is no
 * outage. Claude Code files it under `invalid_request`: class `client`.
 */
function readRefusal(line: Json, text: string): RefusalRecord {
  const requestIds = unique([str(line.requestId), ...idsInText(text)]);
  const record = describe('refusal', line, {
    status: null,
    statusSource: null,
    impliedStatus: null,
    networkCode: null,
    errorType: 'refusal',
    category: 'invalid_request',
    text,
    wordingText: text,
    requestIds,
    newer: { limitWindow: null, resetsAt: null, transient: false, midResponse: false },
    retry: null,
  });
  return Object.assign(record, { failureClass: 'client' as const, refusalCategory: refusalCategoryOf(line) });
}

/** A real model's answer that stopped in a refusal (no error marker): the same, from the response's fields. */
function readModelRefusal(line: Json): RefusalRecord {
  const text = messageText(line).trim().slice(0, MAX_SCANNED_TEXT);
  const record = readRefusal(line, text || 'The model declined to answer (stop_reason: refusal)');
  // The model's own words are not Claude Code's wording of an error.
  record.wording = null;
  record.message = 'The model declined to answer (stop_reason: refusal)';
  return record;
}

/**
 * `type:"system"`, `subtype:"model_refusal_fallback"` / `"model_refusal_no_fallback"`: Claude Code saw
 * a refusal and retried on a fallback model (or had none).
 */
function readRefusalNotice(line: Json): RefusalRecord {
  const fallback = line.subtype === 'model_refusal_fallback';
  const model = str(line.original_model) ?? str(line.originalModel);
  const plainModel = model && /^[A-Za-z0-9._:[\]-]{1,80}$/.test(model) ? model : null;
  const message = `${plainModel ? `${plainModel} declined to answer` : 'The model declined to answer'}${fallback ? '; Claude Code retried on a fallback model' : ''}`;
  const text = str(line.content) ?? message;
  const record = readRefusal(line, text);
  record.requestIds = unique([str(line.request_id), str(line.requestId), ...record.requestIds]);
  record.message = message;
  if (!record.envelope.sessionId) record.envelope.sessionId = str(line.session_id);
  const category = str(line.api_refusal_category);
  if (!record.refusalCategory && category && /^[A-Za-z0-9_-]{1,40}$/.test(category)) record.refusalCategory = category;
  return record;
}

/** An HTML page (a proxy's or Cloudflare's error page) where the API's answer should be. */
function html(text: string | null): boolean {
  return !!text && /<(?:!doctype\s+html|html|head|body)\b/i.test(text.slice(0, 4096));
}

/** Where the newer builds say more than the text: plan-limit window and reset, transient limits, cut-off responses. */
type NewerFacts = Pick<ErrorDetails, 'limitWindow' | 'resetsAt' | 'transient' | 'midResponse'>;

function newerFacts(line: Json, text: string, final = false): NewerFacts {
  const quota = obj(line.quotaLimits);
  const rateLimitType = str(quota?.rateLimitType);
  const head = firstLine(text) ?? '';
  const resetsAtValue = num(quota?.resetsAt) ?? legacyResetEpoch(text);
  // Without quotaLimits, a plan limit's own words name its window ("session limit" is the 5-hour one).
  const fromWording = rateLimitType || !final ? null : wordedLimit(head);
  return {
    limitWindow: rateLimitType ? limitWindowLabel(rateLimitType) : (fromWording?.window ?? null),
    // A per-model credit cap is not lifted by waiting: no reset is promised for it.
    resetsAt: resetsAtValue === null || fromWording?.creditCap ? null : resetTimeFromEpoch(resetsAtValue),
    transient: line.apiErrorIsTransient === true,
    midResponse:
      line.truncatedAfterOutput === true ||
      line.isAbortedMidStream === true ||
      /mid-(?:response|stream)/i.test(head) ||
      connectionLossIn(head)?.cutOff === true,
  };
}

/** 1.0.x plan limits: `Claude AI usage limit reached|1767225600` (the reset, in epoch seconds). */
function legacyResetEpoch(text: string): number | null {
  const match = /usage limit reached\|(\d{9,13})\s*$/i.exec(text.trim());
  return match ? Number(match[1]) : null;
}

/** What a retry or failure line says, read into the record both kinds share. */
function describe<K extends 'retry' | 'failure' | 'refusal'>(
  kind: K,
  line: Json,
  evidence: {
    status: number | null;
    statusSource: StatusSource | null;
    impliedStatus: number | null;
    networkCode: string | null;
    errorType: string | null;
    category: string | null;
    text: string;
    /** Claude Code's own sentence(s), when there are any beyond a raw body. */
    wordingText: string | null;
    requestIds: string[];
    newer: NewerFacts;
    /** Where a retry stands in Claude Code's loop; null for a final failure. */
    retry: Pick<RetryRecord, 'attempt' | 'maxRetries' | 'retryInMs'> | null;
  },
): ErrorRecord & { kind: K } {
  const { status, impliedStatus, networkCode, text, newer } = evidence;
  const failureClass = decideClass({ status: status ?? impliedStatus, networkCode, category: evidence.category, text });
  const message = humanMessage(status, networkCode, text, newer);
  const { retry } = evidence;
  // One literal, every field spelled out: a spread in it, or a field added to the copy a spread
  // made, cost more than all the rest of a scan's work on the line (V8 copies key by key, or makes
  // a new hidden class per record).
  return {
    kind,
    envelope: readEnvelope(line),
    status,
    statusSource: status !== null ? evidence.statusSource : impliedStatus !== null ? 'category' : null,
    impliedStatus,
    failureClass: failureClass === 'unknown' && /timed out/i.test(text) ? 'network' : failureClass,
    errorType: evidence.errorType,
    requestIds: evidence.requestIds,
    networkCode,
    message,
    limitWindow: newer.limitWindow,
    resetsAt: newer.resetsAt,
    transient: newer.transient,
    midResponse: newer.midResponse,
    wording: wholeWording(evidence.wordingText, message),
    attempt: retry?.attempt ?? null,
    maxRetries: retry?.maxRetries ?? null,
    retryInMs: retry?.retryInMs ?? null,
  };
}

/**
 * Claude Code's text on one line without its `API Error:` prefix; null when it adds nothing
 * to the short `message` (the same words, give or take a final full stop or a 1.0.x reset suffix).
 */
function wholeWording(text: string | null, message: string): string | null {
  if (!text) return null;
  // `API Error:` says nothing every place that shows the wording does not already say.
  const line = text.slice(0, MAX_SCANNED_TEXT).replace(/\s+/g, ' ').trim().replace(/\|\d{9,13}$/, '').replace(/^API Error:?\s*/i, '');
  if (!line) return null;
  const bare = line.replace(/\.$/, '');
  if (bare === message || bare === message.replace(/^\d{3} /, '')) return null;
  // Not cut: a report redacts the whole text first and cuts after (a cut here could leave a piece
  // of a token no rule recognises); every place that shows it cuts it for display.
  return line;
}

/** One human line: `500 Internal server error`, `Unable to connect to API (ECONNRESET)`. */
function humanMessage(
  status: number | null,
  networkCode: string | null,
  text: string,
  newer: { transient: boolean; midResponse: boolean },
): string {
  let line = (firstLine(text.slice(0, MAX_SCANNED_TEXT)) ?? '').replace(/^API Error:?\s*/i, '').replace(/^\((.*)\)$/, '$1');
  // A proxy's HTML page (Cloudflare's 502) in place of the API's answer: its status, said in words.
  if (html(line)) line = `${status ?? ''} ${(status !== null && HTTP_REASONS[status]) || 'error page from a proxy or gateway (HTML, not the API)'}`.trim();
  // A connection lost during the answer: what it means for the user, not only what broke.
  const lost = connectionLossIn(line);
  if (lost) line = lost.message;
  // The raw-body era puts the JSON after the status; the body's message was already taken.
  const brace = line.indexOf('{');
  line = (brace < 0 ? line : line.slice(0, brace)).trim();
  // 1.0.x plan limits end in `|<epoch seconds>`: the reset time is read separately.
  line = line.replace(/\|\d{9,13}$/, '');
  // Keep the first sentence: the rest is Claude Code's advice ("try again in a moment...").
  const sentenceEnd = line.search(/\.\s|\s·\s/);
  if (sentenceEnd > 0) line = line.slice(0, sentenceEnd);
  line = line.replace(/\.$/, '');
  if (status !== null && !line.includes(String(status))) line = line ? `${status} ${line}` : String(status);
  if (!line) line = networkCode ? `Connection error (${networkCode})` : 'API error';
  if (networkCode && !line.includes(networkCode)) line += ` (${networkCode})`;
  if (newer.midResponse && !lost && !/mid-(?:response|stream)/i.test(line)) line += ' (mid-response: the response was cut off)';
  if (newer.transient && !/not your usage limit/i.test(line)) line += ' — temporary capacity limit, not your usage limit';
  // Not cut, like the wording (see `wholeWording`).
  return line;
}

/** What a status means, for an error page that says it only in HTML. */
const HTTP_REASONS: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  520: 'Web server returned an unknown error (Cloudflare)',
  521: 'Web server is down (Cloudflare)',
  522: 'Connection timed out (Cloudflare)',
  523: 'Origin is unreachable (Cloudflare)',
  524: 'A timeout occurred (Cloudflare)',
  525: 'SSL handshake failed (Cloudflare)',
  526: 'Invalid SSL certificate (Cloudflare)',
  529: 'Overloaded',
};

/** The first candidate with a value, with its source; `{ status: null, statusSource: null }` if none. */
function firstOf<S>(...candidates: [S, number | null][]): { status: number | null; statusSource: S | null } {
  for (const [source, value] of candidates) if (value !== null) return { status: value, statusSource: source };
  return { status: null, statusSource: null };
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
  return null;
}

/** Plan limits carry no number but are 429s to the user: implied, not sent. */
function planLimitStatus(text: string): number | null {
  const head = text.split(/\.\s|\s·\s/)[0] ?? '';
  return classFromWording(head) === 'rate_limit' && /limit/i.test(head) ? 429 : null;
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
  return code && isNetworkCode(code) ? code : null;
}

/** A network code anywhere Claude Code has put one on an error object: `connection`, `cause`, `code`. */
function networkCodeOf(error: Json | null): string | null {
  if (!error) return null;
  return str(obj(error.connection)?.code) ?? str(obj(error.cause)?.code) ?? codeField(error);
}

function safeStringify(value: unknown): string | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}

function idsInText(text: string | null | undefined): string[] {
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
