// Redaction of everything a report takes from transcripts and the environment, before it leaves
// the machine (DESIGN §4). It holds by construction, in layers:
//   1. known token shapes found by a maintained rule set (secretlint, see knownSecrets.ts), hidden
//      wherever the same string occurs, plus a few distinctive shapes of our own, glued or not;
//   2. our own rules: every `name=value` / `name: value` / JSON pair / `--flag value` on a line,
//      each judged on its own; URL credentials; e-mails; the home directory and user name in
//      paths; URL-encoded text decoded and judged the same way;
//   3. default deny: a long, random-looking token of no known-safe shape is masked.
// Request IDs (`req_...`), UUIDs, versions, model names and error wording pass through unchanged.
// Every pass is linear in the length of the text, and the text is capped first.
import { toWellFormed } from './wellFormed';

export interface RedactionContext {
  /** The user's home directory: replaced by `~` in paths. */
  homedir?: string;
  /** The user's login name: replaced by `<user>` where it is a path segment. */
  username?: string;
  /** Secrets found by the rule set (`findKnownSecrets`): hidden wherever they occur. */
  knownSecrets?: readonly string[];
}

const REDACTED = '[REDACTED]';
/** Longest text redacted; the rest is dropped (`…`) before any regex runs. */
export const MAX_REDACTED_LENGTH = 64 * 1024;

export function redact(text: string, context: RedactionContext = {}): string {
  let out = toWellFormed(capLength(text, MAX_REDACTED_LENGTH));
  for (const secret of context.knownSecrets ?? []) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  out = redactPrivateKeys(out);
  out = redactUrlEncoded(out, context);
  return redactPlain(out, context);
}

/** Every rule but the URL-decoding one (which calls this on what it decodes). */
function redactPlain(text: string, context: RedactionContext): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_SHAPES) out = out.replace(pattern, replacement);
  out = redactPairs(out);
  out = out.replace(EMAIL, (whole, local: string, domain: string) =>
    local === 'git' || !/\.[a-z]{2,}$/i.test(domain) ? whole : '[email]',
  );
  out = redactPaths(out, context);
  return redactRandomTokens(out);
}

// ---------------------------------------------------------------------------------------------
// 1. Distinctive shapes of our own (the rule set is the main source; these need no context and
// also catch a token glued to other text, which word-bounded rules miss).

const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  // JWTs (OAuth id/access tokens, Foundry/Azure tokens, ...): header.payload.signature.
  // (Not glued: a run of `_eyJ_eyJ...` would cost quadratic time; default deny catches a glued one.)
  [/(?<![\w-])eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[REDACTED JWT]'],
  // Anthropic API keys, OAuth access and refresh tokens, admin keys: sk-ant-api03-, sk-ant-oat01-, ...
  [/sk-ant-[\w-]+/g, 'sk-ant-[REDACTED]'],
  // Other `sk-` keys (OpenAI-style project, service-account and user keys).
  [/(?<![A-Za-z0-9])sk-[\w-]{20,}/g, 'sk-[REDACTED]'],
  // Stripe live/test keys, restricted keys and webhook signing secrets.
  [/(?:[rsp]k_(?:live|test)_|whsec_)[A-Za-z0-9]{10,}/g, REDACTED],
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the other IAM prefixes).
  [/(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])/g, '[REDACTED AWS KEY ID]'],
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained.
  [/gh[opsru]_[A-Za-z0-9]{20,}/g, '[REDACTED GITHUB TOKEN]'],
  [/github_pat_\w{20,}/g, '[REDACTED GITHUB TOKEN]'],
  // Google API keys, OAuth access tokens and refresh tokens (Vertex users carry these).
  [/AIza[\w-]{30,}/g, '[REDACTED GOOGLE KEY]'],
  [/ya29\.[\w-]{10,}/g, '[REDACTED GOOGLE TOKEN]'],
  [/(?<![A-Za-z0-9])1\/\/0[\w-]{20,}/g, '[REDACTED GOOGLE TOKEN]'],
  // Slack bot, user, app, refresh and configuration tokens; Slack and Discord webhooks.
  [/xox[abeoprs]-[A-Za-z0-9-]{8,}/g, '[REDACTED SLACK TOKEN]'],
  [/xapp-[A-Za-z0-9-]{8,}/g, '[REDACTED SLACK TOKEN]'],
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[\w/-]+/gi, `$1${REDACTED}`],
  [/(discord(?:app)?\.com\/api\/webhooks\/)[\w/-]+/gi, `$1${REDACTED}`],
  // Telegram bot tokens: bot id, `:`, secret.
  [/(?<!\d)\d{8,10}:AA[\w-]{30,}/g, '[REDACTED TELEGRAM TOKEN]'],
  // Bare bearer tokens, with a digit so that prose like "Bearer authentication" survives.
  [/(Bearer\s+)(?=[A-Za-z._~+/=-]*\d)[\w.~+/=-]{8,}/g, `$1${REDACTED}`],
  // Bare basic credentials: base64 with a digit or padding ("Basic information" survives).
  [/(Basic\s+)(?=[A-Za-z]*[\d+/=])[A-Za-z\d+/]{8,}={0,2}/g, `$1${REDACTED}`],
  // Credentials in URLs: scheme://user:password@host (database URLs, proxies, git remotes).
  // (The scheme is bounded and starts a word, so a long run of letters costs linear time.)
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** PEM private keys, including one cut off before its END line (no regex: a scan with indexOf). */
function redactPrivateKeys(text: string): string {
  const BEGIN = '-----BEGIN ';
  let out = '';
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) break;
    const headerEnd = text.indexOf('-----', begin + BEGIN.length);
    const header = headerEnd < 0 ? '' : text.slice(begin + BEGIN.length, headerEnd);
    if (headerEnd < 0 || header.length > 60 || !/PRIVATE KEY/.test(header)) {
      out += text.slice(from, begin + BEGIN.length);
      from = begin + BEGIN.length;
      continue;
    }
    const endMarker = `-----END ${header}-----`;
    const end = text.indexOf(endMarker, headerEnd + 5);
    out += `${text.slice(from, begin)}[REDACTED PRIVATE KEY]`;
    from = end < 0 ? text.length : end + endMarker.length;
  }
  return out + text.slice(from);
}

// ---------------------------------------------------------------------------------------------
// 2. Pairs: every name on a line is found and judged on its own; its value's extent is read by
// hand, so one value can never swallow the pairs after it.

/** `name` then `=` or `:`, optionally quoted (`"name":`, `\"name\":`, `'name' =`), or `--name`. */
const NAME = /(?<![\w.-])(--)?(\\?["']?)([A-Za-z_][\w.-]*)\2[^\S\n]*([:=]|[^\S\n](?=[^\s-]))[^\S\n]*/g;

const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'token',
  'apikey',
  'credential',
  'credentials',
  'cookie',
  'signature',
  'sig',
  'authorization',
  'bearer',
  'jwt',
  'dsn',
  'sas',
  'accountkey',
]);
const GLUED_SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey'];
/** Two words that together name a secret: `api_key`, `x-api-key`, `AccountKey`, `connection_string`. */
const SECRET_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['api', 'key'],
  ['access', 'key'],
  ['account', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
  ['session', 'key'],
  ['client', 'key'],
  ['auth', 'key'],
  ['master', 'key'],
  ['shared', 'key'],
  ['subscription', 'key'],
  ['connection', 'string'],
];
/** A last word that makes a secret-sounding name harmless: `token_type`, `apiKeyHelper`, `key_path`. */
const HARMLESS_LAST_WORDS = new Set(['type', 'count', 'limit', 'url', 'uri', 'endpoint', 'expiry', 'expires', 'expiration', 'path', 'file', 'helper', 'length']);
/** A value that says something about a secret instead of being one: `token: expired`, `authorization: required`. */
const STATUS_VALUE =
  /^(?:expired|required|missing|invalid|revoked|present|absent|provided|not|no|none|null|nil|undefined|true|false|unset|empty|failed|denied|rejected|unauthori[sz]ed|forbidden|\[REDACTED|\[email\]|<user>|\*{3,})(?![\w-])/i;
/** The schemes an authorization value keeps readable. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Digest|Token|Bot|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+/i;

function redactPairs(text: string): string {
  const cuts: Array<readonly [number, number]> = [];
  // A name inside a value already hidden needs no look (and `token= token= ...` stays linear).
  let hiddenUntil = 0;
  for (const match of text.matchAll(NAME)) {
    if (match.index! < hiddenUntil) continue;
    const [whole, dashes, , name, separator] = match;
    // A blank separates a value only from a `--flag`.
    if (!isSecretName(name) || (!dashes && !/[:=]/.test(separator))) continue;
    const start = match.index! + whole.length;
    const extent = valueExtent(text, start, !!dashes && separator !== '=');
    if (extent) {
      cuts.push(extent);
      hiddenUntil = extent[1];
    }
  }
  return applyCuts(text, cuts);
}

/** Where the value at `start` lies, or null when it is no secret (`expired`, `null`, already hidden). */
function valueExtent(text: string, start: number, oneWord: boolean): readonly [number, number] | null {
  let from = start;
  const open = text.startsWith('\\"', from) ? '\\"' : text[from] === '"' || text[from] === "'" ? text[from] : '';
  from += open.length;
  const scheme = AUTH_SCHEME.exec(text.slice(from, from + 40));
  if (scheme) {
    from += scheme[0].length;
    oneWord = true;
  }
  if (STATUS_VALUE.test(text.slice(from, from + 40))) return null;
  if (open) {
    const close = closingQuote(text, from, open);
    return close > from ? [from, close] : null;
  }
  // Unquoted: one word after a flag or scheme; else to a delimiter or the end of the line
  // (`passphrase = open sesame`), which hides a little too much rather than too little.
  let end = from;
  const stops = oneWord ? ' \t\r\n"\'\\,;&' : '\r\n"\'\\,;&}]>';
  while (end < text.length && !stops.includes(text[end]) && !text.startsWith(' · ', end)) end++;
  while (end > from && /\s/.test(text[end - 1])) end--;
  return end > from ? [from, end] : null;
}

function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length && text[i] !== '\n'; i++) {
    if (quote === '\\"' ? text.startsWith('\\"', i) : text[i] === quote) return i;
    if (quote === '"' && text[i] === '\\') i++;
  }
  return text.indexOf('\n', from) < 0 ? text.length : text.indexOf('\n', from);
}

/** Replace each range (sorted, overlapping ones merged) by the marker. */
function applyCuts(text: string, cuts: Array<readonly [number, number]>): string {
  if (cuts.length === 0) return text;
  const sorted = [...cuts].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (end <= at) continue;
    out += `${text.slice(at, Math.max(at, start))}${start >= at ? REDACTED : ''}`;
    at = end;
  }
  return out + text.slice(at);
}

/** Split `ANTHROPIC_AUTH_TOKEN`, `x-api-key`, `refreshToken`, `client.secret` into lowercase words. */
function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter(Boolean);
  if (HARMLESS_LAST_WORDS.has(words[words.length - 1])) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  // Glued to another word: `dbpassword`, `invalidpassword`, `mytoken`.
  if (words.some((word) => GLUED_SECRET_WORDS.some((secret) => word.endsWith(secret)))) return true;
  return SECRET_PAIRS.some(([first, second]) => {
    const index = words.indexOf(first);
    return index >= 0 && words[index + 1] === second;
  });
}

// ---------------------------------------------------------------------------------------------
// E-mails, paths, URL-encoded text.

/** Local part, `@`, dotted domain; the caller checks the top-level label is a word. */
const EMAIL = /(?<![\w.%+-])([\w.%+-]+)@([A-Za-z\d-]+(?:\.[A-Za-z\d-]+)+)/g;
/** Folders whose children are user names, on every system (`/Users/x`, `/home/x`, `C:\Users\x`). */
const USER_FOLDER = /((?:\\\\|[\\/])(?:Users|home)(?:\\\\|[\\/]))([^\\/\s"'`:;,)\]}<>]+)/g;
const SHARED_USER_FOLDERS = new Set(['shared', 'public', 'default', 'default user', 'all users', 'guest']);

function redactPaths(text: string, context: RedactionContext): string {
  let out = text;
  const home = trimSeparators(context.homedir);
  // A bare `/` or `C:` home would turn every path into `~`.
  if (home && home.replace(/^[A-Za-z]:/, '').length > 1) {
    const windowsLike = /^[A-Za-z]:|\\/.test(home);
    const parts = home.split(/[\\/]/).filter(Boolean).map(escapeRegExp);
    const drive = /^[A-Za-z]:/.test(home) ? '' : '(?:\\\\\\\\|[\\\\/])';
    // Separators as written, doubled in JSON-escaped text, or mixed; and Claude Code's project
    // folder name, where every other character became `-` (`-home-alice-src-app`).
    const pattern = new RegExp(`${drive}${parts.join('(?:\\\\\\\\|[\\\\/])')}(?![\\w-])`, windowsLike ? 'gi' : 'g');
    out = out.replace(pattern, '~');
    const projectForm = home.replace(/[^A-Za-z\d]/g, '-');
    out = out.replace(new RegExp(`${escapeRegExp(projectForm)}(?=-|$|[^\\w-])`, 'g'), '~');
  }
  out = out.replace(USER_FOLDER, (whole, prefix: string, name: string) =>
    SHARED_USER_FOLDERS.has(name.toLowerCase()) ? whole : `${prefix}<user>`,
  );
  const username = context.username;
  if (username && username.length >= 2) {
    // The user name as a whole path segment anywhere else: `/work/alice/app`, `D:\alice\src`.
    const segment = new RegExp(`(?<=[\\\\/])${escapeRegExp(username)}(?=[\\\\/]|$|[\\s"'\`:;,)\\]}>])`, 'gi');
    out = out.replace(segment, '<user>');
  }
  return out;
}

/**
 * A run holding `%XX` escapes (`jane%40example.com`, `%2Fhome%2Falice`, `token%3Dghp_...`) is
 * decoded and judged like plain text; when that hides something, the run is replaced by the
 * redacted text, re-encoded so that it cannot add Markdown either.
 */
function redactUrlEncoded(text: string, context: RedactionContext): string {
  if (!text.includes('%')) return text;
  return text.replace(/[^\s"'`<>]+/g, (run) => {
    if (!/%[\dA-Fa-f]{2}/.test(run)) return run;
    const decoded = decodePercent(run);
    if (decoded === run) return run;
    const redacted = redactPlain(decoded, context);
    if (redacted === decoded) return run;
    return redacted.replace(/[^\w.~\-/:[\]<>]/g, (char) => encodeURIComponent(char));
  });
}

/** `%XX` escapes decoded where they form valid UTF-8; the rest left as it is. Never throws. */
export function decodePercent(text: string): string {
  return text.replace(/(?:%[\dA-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Default deny.

/** Runs of token characters long enough to hold a secret. */
const TOKEN_RUN = /[\w+/.~%=-]{16,}/g;
/** Identifiers that are safe whatever they look like: request, message and tool-use IDs, UUIDs. */
// (Bedrock and Vertex add their own tag: `req_bdrk_...`, `req_vrtx_...`.)
const SAFE_ID =
  /(?<![a-z\d])(?:(?:req|msg|toolu|srvtoolu|msgbatch)_(?:[a-z]{2,8}_)?[a-z\d]{6,}|[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12})/gi;

/** A hex run as long as a short SHA to a SHA-256: in one case, not glued to a word. */
const HEX_RUN = /(?<![\dA-Za-z])(?:[\da-f]{16,64}|[\dA-F]{16,64})(?![\dA-Za-z])/g;
/**
 * What names the hex run that follows as an identifier: a commit (`commit 3f2a…`, `/commit/3f2a…`,
 * `/tree/`, `sha256:`), a request or trace ID (`request id`, `x-request-id:`, `"request_id":"`,
 * `trace_id=`, `cf-ray:`), or a version's build tail (`2.1.120+`, `1.0.0-sha.`).
 */
const ID_LABEL_BEFORE =
  /(?:\b(?:commit|sha(?:1|256)?|rev(?:ision)?|request[\s_-]?id|trace[\s_-]?id|span[\s_-]?id|correlation[\s_-]?id|cf-ray)["']?[^\S\n]{0,2}[:=#]?[^\S\n]{0,2}["']?|\/(?:commits?|tree|blob)\/|\d\.\d{1,6}[-+](?:sha\.|g)?)$/i;
/** How far back a label is looked for: enough for `"x-amzn-requestid": "`. */
const ID_LABEL_REACH = 32;

/**
 * Default deny, with one exception decided on the secret corpus: hex is what both a commit SHA or
 * a gateway's request ID and many keys look like (bare 32- and 64-hex API keys, legacy 40-hex
 * GitHub tokens), so hex alone proves nothing. A hex run is kept only where the text names it an
 * identifier just before it (`ID_LABEL_BEFORE`); unnamed, or named a key, it is masked as before.
 */
function redactRandomTokens(text: string): string {
  return text.replace(TOKEN_RUN, (run, offset: number) => {
    const named = run.replace(HEX_RUN, (hex, at: number) => {
      const start = offset + at;
      return ID_LABEL_BEFORE.test(text.slice(Math.max(0, start - ID_LABEL_REACH), start)) ? '.' : hex;
    });
    const checked = named.replace(SAFE_ID, '.');
    // Words between any separators; and, since random bodies hold `-` and `_` too, the stretches
    // between dots, slashes and `=` with those kept. Base64 also keeps `/` and `+` inside a token;
    // a path (`/x/y`, `~/x`, `./x`, `a/b.ts`) does not.
    const pathLike = /^[/~.]/.test(checked) || checked.includes('.');
    const words = checked.split(/[-_.~/+%=]/);
    const stretches = checked.split(pathLike ? /[.~/%=]/ : /[.~%=]/);
    return words.some(looksRandom) || stretches.some(looksRandomStretch) ? REDACTED : run;
  });
}

/** A word of 16+ characters that is no word: letters and digits interleaved, or random case. */
export function looksRandom(word: string): boolean {
  if (word.length < 16) return false;
  const { letters, upper, digits, digitSwitches } = shape(word);
  if (digits > 0 && letters > 0 && digitSwitches >= 3) return true;
  // Letters only (or nearly): random case, unlike CamelCase (`FailedToOpenSocket`) or CAPS.
  return word.length >= 20 && letters >= word.length - 2 && upper >= letters * 0.3 && upper <= letters * 0.7;
}

/**
 * A stretch of 20+ characters with `-`, `_`, `+` inside (a random body holds them too) that
 * changes between lower case, upper case and digits at least every third character, as random
 * text does and names (`claude-sonnet-4-5-20250929`, `InternalServerError`) do not.
 */
function looksRandomStretch(stretch: string): boolean {
  const compact = stretch.replace(/[-_+]/g, '');
  if (compact.length < 20) return false;
  const { caseSwitches, digitSwitches } = shape(compact);
  return caseSwitches + digitSwitches >= compact.length * 0.3;
}

function shape(word: string): { letters: number; upper: number; digits: number; digitSwitches: number; caseSwitches: number } {
  let letters = 0;
  let upper = 0;
  let digits = 0;
  let digitSwitches = 0;
  let caseSwitches = 0;
  let previous: 'digit' | 'upper' | 'lower' | 'other' | null = null;
  for (const char of word) {
    const kind = char >= '0' && char <= '9' ? 'digit' : char >= 'A' && char <= 'Z' ? 'upper' : char >= 'a' && char <= 'z' ? 'lower' : 'other';
    if (kind === 'digit') digits++;
    if (kind === 'upper' || kind === 'lower') letters++;
    if (kind === 'upper') upper++;
    if (previous !== null && previous !== kind) {
      if (kind === 'digit' || previous === 'digit') digitSwitches++;
      else if (kind !== 'other' && previous !== 'other') caseSwitches++;
    }
    previous = kind;
  }
  return { letters, upper, digits, digitSwitches, caseSwitches };
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** At most `max` characters, cut at a boundary between words so that no half token remains. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  while (end > 0 && !/\s/.test(text[end - 1])) end--;
  return `${text.slice(0, end || max)}…`;
}

/** Without trailing `/` or `\` (a loop, not a regex: a long run of separators must cost linear time). */
function trimSeparators(path: string | undefined): string | undefined {
  let end = path?.length ?? 0;
  while (end > 0 && (path![end - 1] === '/' || path![end - 1] === '\\')) end--;
  return path?.slice(0, end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
