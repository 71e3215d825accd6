// Redaction of everything a report takes from transcripts and the environment, before it leaves
// the machine (DESIGN §4). Shapes are matched, not guessed: request IDs (`req_...`), versions,
// model names and error wording pass through unchanged.

export interface RedactionContext {
  /** The user's home directory: replaced by `~` in paths. */
  homedir?: string;
  /** The user's login name: replaced by `<user>` where it is a path segment. */
  username?: string;
}

const REDACTED = '[REDACTED]';

/** Shapes that are secret wherever they appear. Order matters: a header or block before the tokens in it. */
const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  // HTTP authorization: the whole header value, whatever the scheme; first, so the
  // scheme survives whatever the token looks like.
  [
    /\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)((?:Bearer|Basic|Digest|Token|Bot|AWS4-HMAC-SHA256)\s+)?[^\s"'\\,;]+/gi,
    `$1$2${REDACTED}`,
  ],
  // PEM private keys, including one cut off before its END line.
  [
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    '[REDACTED PRIVATE KEY]',
  ],
  // JWTs (OAuth id/access tokens, Foundry/Azure tokens, ...): header.payload.signature.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED JWT]'],
  // Anthropic API keys, OAuth access and refresh tokens, admin keys: sk-ant-api03-, sk-ant-oat01-, ...
  // No word boundary: distinctive enough to catch even when glued to other text.
  [/sk-ant-[A-Za-z0-9_-]+/g, 'sk-ant-[REDACTED]'],
  // Other `sk-` keys (OpenAI-style project and user keys).
  [/\bsk-[\w-]{20,}/g, 'sk-[REDACTED]'],
  // Stripe-style live/test keys.
  [/\b[rsp]k_(?:live|test)_[A-Za-z0-9]{10,}/g, REDACTED],
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the other IAM prefixes).
  [/\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g, '[REDACTED AWS KEY ID]'],
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained.
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, '[REDACTED GITHUB TOKEN]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, '[REDACTED GITHUB TOKEN]'],
  // Google API keys, OAuth access tokens and refresh tokens (Vertex users carry these).
  [/\bAIza[0-9A-Za-z_-]{30,}/g, '[REDACTED GOOGLE KEY]'],
  [/\bya29\.[0-9A-Za-z_-]{10,}/g, '[REDACTED GOOGLE TOKEN]'],
  [/(?<![A-Za-z0-9])1\/\/0[0-9A-Za-z_-]{20,}/g, '[REDACTED GOOGLE TOKEN]'],
  // Slack bot, user, app, refresh and configuration tokens.
  [/\bxox[abeoprs]-[A-Za-z0-9-]{8,}/g, '[REDACTED SLACK TOKEN]'],
  [/\bxapp-[A-Za-z0-9-]{8,}/g, '[REDACTED SLACK TOKEN]'],
  // Bare bearer tokens, with a digit so that prose like "Bearer authentication" survives.
  [/\b(Bearer\s+)(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`],
  // Credentials in URLs: scheme://user:password@host.
  // (The scheme is bounded and starts a word, so a long run of letters costs linear time.)
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/**
 * `name = value`, `name: value`, `"name": "value"`, `--name value`, `name=value&` in a query string.
 * The name is checked word by word (see `isSecretName`) so that `max_tokens: 8192` survives.
 */
const QUOTED = String.raw`\\"[^"\\\n]*\\"|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'`;
// An unquoted value after `=` or `:` may hold spaces (`passphrase = open sesame`): it runs to the
// end of the line or to a delimiter, which redacts a little too much rather than too little.
const ASSIGNMENT = new RegExp(
  String.raw`((?:\\?["'])?)(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*[:=]\s*)(${QUOTED}|[^\s"'\\,;&}\]>][^\n"'\\,;&}\]>]*)`,
  'g',
);
const FLAG = new RegExp(String.raw`(--)([A-Za-z][A-Za-z0-9-]*)(\s+|=)(${QUOTED}|[^\s"'\\,;&]+)`, 'g');

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
]);
/** Two words that together name a secret: `api_key`, `x-api-key`, `private_key`, `access_key`. */
const SECRET_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
  ['session', 'key'],
  ['client', 'key'],
  ['auth', 'key'],
  ['subscription', 'key'],
];
/** A last word that makes a secret-sounding name harmless: `token_type`, `apiKeyHelper`, `key_path`. */
const HARMLESS_LAST_WORDS = new Set(['type', 'count', 'limit', 'url', 'uri', 'endpoint', 'expiry', 'expires', 'expiration', 'path', 'file', 'helper']);
/** Values that are no secret even under a secret name (or were redacted already): keep them readable. */
const HARMLESS_VALUE = /^(?:\\?["'])?(?:(?:null|true|false|undefined|none)(?:\\?["'])?$|[a-z-]*\[REDACTED|(?:\\?["'])?$)/i;

const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b/g;
/** Folders whose children are user names, on every system (`/Users/x`, `/home/x`, `C:\Users\x`). */
const USER_FOLDER = /((?:\\\\|[\\/])(?:Users|home)(?:\\\\|[\\/]))([^\\/\s"'`:;,)\]}<>]+)/g;
const SHARED_USER_FOLDERS = new Set(['shared', 'public', 'default', 'default user', 'all users', 'guest']);

export function redact(text: string, context: RedactionContext = {}): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_SHAPES) out = out.replace(pattern, replacement);
  out = out.replace(ASSIGNMENT, (whole, quote: string, name: string, separator: string, value: string) =>
    isSecretName(name) && !HARMLESS_VALUE.test(value)
      ? `${quote}${name}${quote}${separator}${replaceValue(value)}`
      : whole,
  );
  out = out.replace(FLAG, (whole, dashes: string, name: string, separator: string, value: string) =>
    isSecretName(name) && !value.startsWith('-') && !HARMLESS_VALUE.test(value)
      ? `${dashes}${name}${separator}${replaceValue(value)}`
      : whole,
  );
  out = out.replace(EMAIL, (whole, local: string) => (local === 'git' ? whole : '[email]'));
  out = redactPaths(out, context);
  return out;
}

/** Split `ANTHROPIC_AUTH_TOKEN`, `x-api-key`, `refreshToken`, `client.secret` into lowercase words. */
function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (HARMLESS_LAST_WORDS.has(words[words.length - 1])) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return SECRET_PAIRS.some(([first, second]) => {
    const index = words.indexOf(first);
    return index >= 0 && words[index + 1] === second;
  });
}

function replaceValue(value: string): string {
  const quote = /^(?:\\?["'])?/.exec(value)?.[0] ?? '';
  // Keep trailing spaces outside an unquoted value: they belong to the text around it.
  const trailing = quote ? '' : value.slice(value.trimEnd().length);
  return `${quote}${REDACTED}${quote}${trailing}`;
}

function redactPaths(text: string, context: RedactionContext): string {
  let out = text;
  const home = trimSeparators(context.homedir);
  // A bare `/` or `C:` home would turn every path into `~`.
  if (home && home.replace(/^[A-Za-z]:/, '').length > 1) {
    const windowsLike = /^[A-Za-z]:|\\/.test(home);
    const parts = home.split(/[\\/]+/).map(escapeRegExp);
    // Separators as written, doubled in JSON-escaped text, or mixed.
    const pattern = new RegExp(`${parts.join('(?:\\\\\\\\|[\\\\/])')}(?![A-Za-z0-9_-])`, windowsLike ? 'gi' : 'g');
    out = out.replace(pattern, '~');
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

/** Without trailing `/` or `\\` (a loop, not a regex: a long run of separators must cost linear time). */
function trimSeparators(path: string | undefined): string | undefined {
  let end = path?.length ?? 0;
  while (end > 0 && (path![end - 1] === '/' || path![end - 1] === '\\')) end--;
  return path?.slice(0, end);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
