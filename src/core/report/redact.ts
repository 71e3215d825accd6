// Redaction of everything a report takes from transcripts and the environment, before it leaves
// the machine (ARCHITECTURE.md §4). It holds by construction, in layers:
//   1. known token shapes found by a maintained rule set (secretlint, see knownSecrets.ts), hidden
//      wherever the same string occurs, plus a few distinctive shapes of our own, glued or not;
//   2. our own rules: every `name=value` / `name: value` / JSON pair / `--flag value` on a line,
//      each judged on its own; URL credentials; e-mails; the home directory and user name in
//      paths; URL-encoded text decoded and judged the same way;
//   3. default deny: a long, random-looking token of no known-safe shape is masked.
// Request IDs (`req_...`), versions, model names and error wording pass through unchanged; a UUID or
// a hex run only where the text names it an identifier of a known kind. Personal data of no
// diagnostic value (card numbers, phone numbers, MAC addresses) is masked too.
// Every pass is linear in the length of the text, and the text is capped first (never mid-token).
import { sanitizeText } from '../text/sanitize';

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
  // Invisible characters out first: one inside a token would hide it from every rule.
  let out = sanitizeText(capLength(text, MAX_REDACTED_LENGTH));
  for (const secret of context.knownSecrets ?? []) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  out = redactPrivateKeys(out);
  out = redactWrapped(out);
  out = redactUrlEncoded(out, context);
  return redactPlain(out, context);
}

/** Every rule but the URL-decoding one (which calls this on what it decodes). */
function redactPlain(text: string, context: RedactionContext): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_SHAPES) out = out.replace(pattern, replacement as string);
  for (const [pattern, replacement] of COMMAND_LINES) out = out.replace(pattern, replacement as string);
  out = redactXml(out);
  out = redactPairs(out);
  out = redactSpokenSecrets(out);
  out = out.replace(EMAIL, (whole, local: string, domain: string) =>
    local === 'git' || !/\.[a-z]{2,}$/i.test(domain) ? whole : '[email]',
  );
  out = redactPaths(out, context);
  out = redactPersonalData(out);
  return redactRandomTokens(out);
}

// ---------------------------------------------------------------------------------------------
// 1. Distinctive shapes of our own (the rule set is the main source; these need no context and
// also catch a token glued to other text, which word-bounded rules miss).

type Replacement = string | ((whole: string, ...groups: string[]) => string);

// Known prefixes match in any case (a prefix upper- or lower-cased by a log or a shell is still one).
const TOKEN_SHAPES: ReadonlyArray<readonly [RegExp, Replacement]> = [
  // JWTs (OAuth id/access tokens, Foundry/Azure tokens, ...): header.payload.signature.
  // (Not glued: a run of `_eyJ_eyJ...` would cost quadratic time; default deny catches a glued one.)
  [/(?<![\w-])eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[REDACTED JWT]'],
  // Anthropic API keys, OAuth access and refresh tokens, admin keys: sk-ant-api03-, sk-ant-oat01-, ...
  [/sk-ant-[\w-]+/gi, 'sk-ant-[REDACTED]'],
  // Other `sk-` keys (OpenAI-style project, service-account and user keys).
  [/(?<![A-Z0-9])sk-[\w-]{20,}/gi, 'sk-[REDACTED]'],
  // Stripe live/test keys, restricted keys and webhook signing secrets.
  [/(?:[rsp]k_(?:live|test)_|whsec_)[A-Z0-9]{10,}/gi, REDACTED],
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the other IAM prefixes).
  [/(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Z0-9])/gi, '[REDACTED AWS KEY ID]'],
  // GitHub tokens: classic personal, OAuth, user-to-server, server-to-server, refresh; fine-grained.
  [/gh[opsru]_[A-Z0-9]{8,}/gi, '[REDACTED GITHUB TOKEN]'],
  [/github_pat_\w{8,}/gi, '[REDACTED GITHUB TOKEN]'],
  // Google API keys, OAuth access tokens and refresh tokens (Vertex users carry these).
  [/AIza[\w-]{20,}/gi, '[REDACTED GOOGLE KEY]'],
  [/ya29\.[\w-]{10,}/gi, '[REDACTED GOOGLE TOKEN]'],
  [/(?<![A-Za-z0-9])1\/\/0[\w-]{20,}/g, '[REDACTED GOOGLE TOKEN]'],
  // Slack bot, user, app, refresh and configuration tokens; Slack and Discord webhooks.
  [/xox[abeoprs]-[A-Z0-9-]{8,}/gi, '[REDACTED SLACK TOKEN]'],
  [/xapp-[A-Z0-9-]{8,}/gi, '[REDACTED SLACK TOKEN]'],
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[\w/-]+/gi, `$1${REDACTED}`],
  [/(discord(?:app)?\.com\/api\/webhooks\/)[\w/-]+/gi, `$1${REDACTED}`],
  // Telegram bot tokens: bot id, `:`, secret.
  [/(?<!\d)\d{8,10}:AA[\w-]{30,}/g, '[REDACTED TELEGRAM TOKEN]'],
  // Vendor prefixes of other services, any case, with at least 8 characters of body: GitLab,
  // npm, PyPI, Docker Hub, Hugging Face, xAI, Perplexity, Groq, Replicate, DigitalOcean, Shopify,
  // Linear, Square, Atlassian, Doppler, PlanetScale, Netlify, Vault, Grafana, Figma, 1Password,
  // Sentry, Supabase, LangSmith, Databricks, Pinecone, Notion, Postman, New Relic, Age, Mailgun...
  [
    /(?<![A-Z0-9])(?:gl(?:pat|dt|rt|ptt|ft|soat|cbt|imt|agent|oas|rr)-|npm_|pypi-|dckr_pat_|hf_|api_org_|xai-|pplx-|gsk_|r8_|do[opr]_v1_|shp(?:at|ss|ca|pa)_|lin_(?:api|oauth)_|sq0(?:atp|csp)-|ATATT|ATCTT|dp\.(?:pt|st|sa|ct|scim|audit)\.|pscale_(?:tkn|pw|oauth)_|nf[pcu]_|hv[sbr]\.|gls[ac]_|glc_|figd_|ops_|sntry[su]_|sbp_|lsv2_(?:pt|sk)_|pcsk_|ntn_|PMAK-|NRAK-|NRII-|AGE-SECRET-KEY-|pat-(?:na|eu|ap)\d-|access-(?:production|sandbox|development)-|rzp_(?:live|test)_|FLWSECK-|pul-|SG\.|vercel_|cfat_|cfut_|ory_(?:at|rt|pat)_|mxk_|rdme_)[\w.=+/-]{8,}/gi,
    REDACTED,
  ],
  // Prefixes that also start ordinary names (`secret_access_key`, `sk_id`, `dapi_url`): only with a digit in the body.
  [/(?<![A-Z0-9])(?:secret_|sk_|pk_|rk_|dapi|EAAA)(?=[\w.=+/-]{0,64}\d)[\w.=+/-]{8,}/gi, REDACTED],
  // Terraform Cloud tokens (`<14>.atlasv1.<body>`) and Mailgun keys.
  [/(?<![A-Z0-9])[A-Z0-9]{14}\.atlasv1\.[\w-]{20,}/gi, REDACTED],
  [/(?<![A-Z0-9])key-[\da-f]{32}(?![\da-f])/gi, REDACTED],
  // Keys whose body is a UUID behind a vendor's prefix (LaunchDarkly `sdk-`, `mob-`, `api-`, ...).
  [/(?<![A-Z0-9])(?:sdk|mob|api|key|pat|tok|srv|app|sec)-[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}/gi, REDACTED],
  // Kubernetes bootstrap tokens (`abcdef.0123456789abcdef`) and Apple app-specific passwords.
  [/(?<![\w.-])[a-z0-9]{6}\.(?=[a-z]{0,15}\d)[a-z0-9]{16}(?![\w.-])/g, REDACTED],
  [/(?<![\w-])[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}(?![\w-])/g, REDACTED],
  // Google app passwords, four groups of four letters, after the words that name them.
  [/(app[\s_-]?(?:specific[\s_-]?)?password\W{0,4})[a-z]{4}(?: ?[a-z]{4}){3}\b/gi, `$1${REDACTED}`],
  // Bare bearer tokens, with a digit so that prose like "Bearer authentication" survives.
  [/(Bearer\s+)(?=[A-Z._~+/=-]*\d)[\w.~+/=-]{6,}/gi, `$1${REDACTED}`],
  // Bare basic credentials: base64 with a digit or padding ("Basic information" survives).
  [/(Basic\s+)(?=[A-Z]*[\d+/=])[A-Z\d+/]{6,}={0,2}/gi, `$1${REDACTED}`],
  // Credentials in URLs: scheme://user:password@host (database URLs, proxies, git remotes), and a
  // token alone before the host (`https://ghp_...@github.com`).
  // (The scheme is bounded and starts a word, so a long run of letters costs linear time.)
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)(?=[^\s/:@]*\d)[^\s/:@.]{16,}@/gi, `$1${REDACTED}@`],
];

/**
 * Secrets on command lines: `mysql -pSECRET`, `sshpass -p SECRET`, `redis-cli -a SECRET`,
 * `curl -u user:SECRET`, and `.netrc` entries (`machine host login me password SECRET`).
 */
const COMMAND_LINES: ReadonlyArray<readonly [RegExp, Replacement]> = [
  [/(\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n]{0,200}?\s-p)(?=[^\s-])[^\s'"]{1,200}/g, `$1${REDACTED}`],
  [/(\bsshpass\s+-p\s*)[^\s'"]{1,200}/g, `$1${REDACTED}`],
  [/(\bredis-cli\b[^\n]{0,200}?\s-a\s+)[^\s'"]{1,200}/g, `$1${REDACTED}`],
  [/(\s(?:-u|--user)\s+['"]?[^\s:'"]{1,100}:)[^\s'"@]{1,200}/g, `$1${REDACTED}`],
  [/(\b(?:machine|default)\s[^\n]{0,200}?\b(?:password|passwd)\s+)[^\s'"]{1,200}/gi, `$1${REDACTED}`],
  // A `.netrc`-like line that starts with the word; a value with something besides letters (prose has none).
  [/(^|\n)([^\S\n]*(?:password|passwd|passphrase|passcode)[^\S\n]+)(?![:=])(?=[^\s'"]{0,200}[^A-Z\s'"])[^\s'"]{1,200}/gi, `$1$2${REDACTED}`],
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
const NAME = /(?<![\w.-])(--)?(\\?["']?)([A-Za-z_][\w.-]*)\2[^\S\n]*(=>|[:=]|[^\S\n](?=[^\s-]))[^\S\n]*/g;

/**
 * What makes a name a secret's, by meaning: a word of it that contains one of these stems
 * (`password`, `dbPass`, `x-api-token`, `client_secret`, `SessionCookie`, `passcode`)...
 */
const SECRET_STEMS = ['pass', 'pwd', 'secret', 'token', 'cred', 'cookie', 'apikey', 'bearer', 'jwt', 'signature', 'privkey', 'priv'];
/** ...or that is one of these words (`mfa_code`, `otp`, `pin`, `sig`)... */
const SECRET_WORDS = new Set(['keys', 'sig', 'sigs', 'pin', 'pins', 'pincode', 'dsn', 'sas', 'psk', 'pat', 'pw', 'hmac', 'salt']);
/** ...or that starts or ends with one of these (`authToken`, `apikey`, `sessionid`, `totp`). */
const SECRET_AFFIXES = ['key', 'auth', 'session', 'mfa', 'otp'];
/** Words that contain a stem above and say nothing secret. */
const NOT_SECRET_WORDS = new Set(['keyboard', 'keyword', 'keywords', 'monkey', 'turkey', 'hotkey', 'hotkeys', 'keystroke', 'keystrokes', 'author', 'authors', 'authored', 'passed', 'passes', 'passing', 'bypass', 'bypassed', 'compass', 'passenger', 'passthrough', 'passive', 'pinned', 'pinning', 'sigterm', 'sigkill', 'sigint', 'tokenizer', 'tokenize', 'tokenized', 'spinner', 'ping', 'sessions', 'whiskey', 'keynote', 'keyed', 'signal', 'signals', 'significant', 'authority']);
/** A last word that makes a secret-sounding name harmless: `token_type`, `apiKeyHelper`, `key_path`, `session_id`. */
const HARMLESS_LAST_WORDS = new Set([
  'type',
  'types',
  'count',
  'limit',
  'limits',
  'url',
  'uri',
  'endpoint',
  'expiry',
  'expires',
  'expiration',
  'path',
  'file',
  'files',
  'helper',
  'length',
  'id',
  'ids',
  'uuid',
  'name',
  'names',
  'header',
  'headers',
  'scheme',
  'method',
  'mode',
  'format',
  'version',
  'status',
  'provider',
  'source',
  'dir',
  'directory',
  'size',
  'timeout',
  'ttl',
  'hint',
  'enabled',
  'disabled',
  'required',
  'policy',
  'age',
]);
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
    // A count of tokens is no token: `max_tokens: 8192`, `"input_tokens":1200`.
    if (/tokens$/i.test(name) && /^["']?\d[\d,_.]*(?![\w-])/.test(text.slice(start, start + 40))) continue;
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

/** The lowercase words of a name: `ANTHROPIC_AUTH_TOKEN`, `x-api-key`, `refreshToken`, `client.secret`. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter(Boolean);
}

/** A name that names a secret, by the meaning of its words (see SECRET_STEMS, SECRET_WORDS). */
export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || HARMLESS_LAST_WORDS.has(words[words.length - 1])) return false;
  return words.some(isSecretWord) || isSecretWord(words.join(''));
}

function isSecretWord(word: string): boolean {
  if (NOT_SECRET_WORDS.has(word)) return false;
  if (SECRET_STEMS.some((stem) => word.includes(stem))) return true;
  return SECRET_WORDS.has(word) || SECRET_AFFIXES.some((affix) => word.startsWith(affix) || word.endsWith(affix));
}

/**
 * XML elements and .NET-style settings that name a secret: `<Password>x</Password>`,
 * `<add key="ApiToken" value="x"/>`, `<entry name="password">x</entry>`.
 */
function redactXml(text: string): string {
  if (!text.includes('<')) return text;
  let out = text.replace(/<([A-Za-z_][\w.:-]{0,60})(\s[^<>]{0,300})?>([^<]{1,4000})<\/\1\s*>/g, (whole, tag: string, attributes: string | undefined, content: string) => {
    const named = /\b(?:name|key|id)\s*=\s*["']([^"']{1,100})["']/.exec(attributes ?? '')?.[1];
    return isSecretName(tag.replace(/^.*:/, '')) || (named && isSecretName(named)) ? whole.replace(`>${content}<`, `>${REDACTED}<`) : whole;
  });
  out = out.replace(/(\b(?:key|name)\s*=\s*["']([^"']{1,100})["']\s+value\s*=\s*["'])([^"']{1,4000})(?=["'])/gi, (whole, head: string, name: string) =>
    isSecretName(name) ? `${head}${REDACTED}` : whole,
  );
  return out;
}

/**
 * A secret said in words, without `=` or `:`: `token abc123def`, `password is hunter2`, `API key
 * 5f3a9c...`. Only a value with a digit in it is taken for one, so prose (`OAuth token has expired`)
 * stays as it is.
 */
function redactSpokenSecrets(text: string): string {
  return text.replace(
    /(\b(?:token|password|passwd|passcode|passphrase|pin|otp|secret|api[\s_-]?key|access[\s_-]?key|secret[\s_-]?key|private[\s_-]?key|auth[\s_-]?code|verification[\s_-]?code|mfa[\s_-]?code)(?:\s+(?:is|was|of|for\s+\S{1,40}\s+is))?\s+["'`]?)(?=[\w+/=.~-]{0,200}\d)(?![\w+/=.~-]{0,200}(?:\[REDACTED|\[email\]))([\w+/=.~-]{3,200})/gi,
    (whole, head: string, value: string) => (/^\d{1,2}$/.test(value) || /^(?:req|msg)_/.test(value) ? whole : `${head}${REDACTED}`),
  );
}

/**
 * Personal data of no diagnostic value: card numbers (a valid Luhn check digit, 13 to 19 digits,
 * grouped or not), phone numbers (international, or North American with its separators) and MAC
 * addresses.
 */
function redactPersonalData(text: string): string {
  let out = text.replace(/(?<![\w.+-])[2-6]\d{3}(?:[ -]?\d{2,4}){2,5}(?![\w.-])/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[REDACTED CARD]' : run;
  });
  out = out.replace(/(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w-])/g, (run) => {
    const digits = run.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 15 ? '[REDACTED PHONE]' : run;
  });
  out = out.replace(/(?<![\w.-])(?:\(\d{3}\) ?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w.-])/g, '[REDACTED PHONE]');
  out = out.replace(/(?<![\dA-Fa-f:-])[\dA-Fa-f]{2}([:-])[\dA-Fa-f]{2}(?:\1[\dA-Fa-f]{2}){4}(?![\dA-Fa-f:-])/g, '[REDACTED MAC]');
  return out.replace(/(?<![\dA-Fa-f.])[\dA-Fa-f]{4}\.[\dA-Fa-f]{4}\.[\dA-Fa-f]{4}(?![\dA-Fa-f.])/g, '[REDACTED MAC]');
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A token wrapped over two lines (or joined back with a blank, as Claude Code's wording is): two
 * runs of token characters with one line break or blank between them are judged as the one token
 * they may be. When the joined run holds a secret, both pieces go, so that neither half survives
 * as a fragment no rule recognises.
 */
function redactWrapped(text: string): string {
  if (!/[A-Za-z\d][ \t]*\r?\n[ \t]*[A-Za-z\d]|[A-Za-z\d] [A-Za-z\d]/.test(text)) return text;
  const runs = [...text.matchAll(/[\w+/=.~-]{4,}/g)];
  const masked = new Set<number>();
  for (let i = 0; i + 1 < runs.length; i++) {
    const a = runs[i];
    const b = runs[i + 1];
    const gap = text.slice(a.index! + a[0].length, b.index!);
    if (!/^[ \t]*\r?\n[ \t]*$|^ $/.test(gap) || !tokenLike(a[0]) || !tokenLike(b[0])) continue;
    const joined = a[0] + b[0];
    if (joined.length < 16) continue;
    if (holdsSecret(joined) && !(holdsSecret(a[0]) && holdsSecret(b[0]))) {
      masked.add(i);
      masked.add(i + 1);
    }
  }
  if (masked.size === 0) return text;
  return applyCuts(
    text,
    [...masked].map((i) => [runs[i].index!, runs[i].index! + runs[i][0].length] as const),
  );
}

/** A piece that could be part of a token: letters and digits mixed, or a known prefix; not a word, a number, an ID of a safe shape or a version. */
function tokenLike(run: string): boolean {
  if (/^(?:req|msg|toolu|srvtoolu)_/i.test(run) || /^\d+(?:[.,]\d+)*$/.test(run) || /^v?\d+\.\d+/.test(run) || /^\d{4}-\d\d-\d\d/.test(run) || run.startsWith('[')) {
    return false;
  }
  if (/[\d_+/=]/.test(run)) return true;
  // Letters only: a piece of a token changes case often, a word or a CamelCase name seldom.
  const { caseSwitches } = shape(run);
  return caseSwitches >= run.length * 0.4;
}

/** True when the shape rules or default deny would mask something in `run`, judged alone. */
function holdsSecret(run: string): boolean {
  for (const [pattern] of TOKEN_SHAPES) {
    pattern.lastIndex = 0;
    if (pattern.test(run)) {
      pattern.lastIndex = 0;
      return true;
    }
  }
  return redactRandomTokens(run) !== run;
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
/** Identifiers that are safe whatever they look like: request, message and tool-use IDs. */
// (Bedrock and Vertex add their own tag: `req_bdrk_...`, `req_vrtx_...`.)
const SAFE_ID = /(?<![a-z\d])(?:req|msg|toolu|srvtoolu|msgbatch)_(?:[a-z]{2,8}_)?[a-z\d]{6,}/gi;

/** A hex run as long as a short SHA to a SHA-256: in one case, not glued to a word. */
const HEX_RUN = /(?<![\dA-Za-z])(?:[\da-f]{16,64}|[\dA-F]{16,64})(?![\dA-Za-z])/g;
/** A UUID, and a ULID (an SSE event's or a gateway's ID), in any case. */
const UUID_OR_ULID = /(?<![\dA-Za-z])(?:[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{12}|[0-7][\dA-HJKMNP-TV-Z]{25})(?![\dA-Za-z])/g;
/**
 * What names the identifier that follows as one of a known kind: a commit (`commit 3f2a…`,
 * `/commit/3f2a…`, `/tree/`, `sha256:`), a request, trace, session or event ID (`request id`,
 * `x-request-id:`, `"request_id":"`, `trace_id=`, `session `, `Cloudflare Ray ID:`, `cf-ray:`, an
 * SSE event's `id:`), or a version's build tail (`2.1.120+`, `1.0.0-sha.`). Never a secret's name:
 * `API key:` or `token=` are no labels, and a UUID right after one is masked like any token.
 */
const ID_LABEL_BEFORE =
  /(?:\b(?:commit|sha(?:1|256)?|rev(?:ision)?|session|transcript|(?:x-(?:amzn-|ms-|goog-)?)?(?:request|trace|span|correlation|session|conversation|message|event|ray|org(?:anization)?|account|project|tenant|client|user|install(?:ation)?|device|run|job|build|task|transcript|agent|parent|prompt|operation|activity|last-event)[\s_-]?(?:id|uuid)|cf-ray|uuid|id)["']?[^\S\n]{0,2}[:=#]?[^\S\n]{0,2}["']?|\/(?:commits?|tree|blob)\/|\d\.\d{1,6}[-+](?:sha\.|g)?)$/i;
/** How far back a label is looked for: enough for `"x-amzn-requestid": "`. */
const ID_LABEL_REACH = 32;

/**
 * Default deny. A run of token characters that looks random is masked unless it is an identifier
 * of a known shape in a place that says so: request/message IDs by their prefix; a hex run, a UUID
 * or a ULID only where the text names it an identifier just before it (`ID_LABEL_BEFORE`) or it
 * names a transcript (`<uuid>.jsonl`). Hex is what both a commit SHA and many keys look like (bare
 * 32- and 64-hex API keys, legacy 40-hex GitHub tokens), and a UUID is the body of many keys (Heroku,
 * or behind a vendor's prefix: `pat-na1-…`, `access-production-…`), so the shape alone proves nothing.
 */
function redactRandomTokens(text: string): string {
  return text.replace(TOKEN_RUN, (run, offset: number) => {
    const labelled = (at: number): boolean => ID_LABEL_BEFORE.test(text.slice(Math.max(0, offset + at - ID_LABEL_REACH), offset + at));
    let unsafe = false;
    // A UUID or ULID: whole (a path's segment at most), and labelled or a transcript's name.
    const ids = run.replace(UUID_OR_ULID, (id: string, at: number) => {
      const before = run.slice(0, at);
      const after = run.slice(at + id.length);
      const transcript = /^\.jsonl$/i.test(after) && (before === '' || /[\\/]$/.test(before));
      const whole = (before === '' || /[\\/]$/.test(before)) && (after === '' || /^[\\/.]/.test(after));
      if (transcript || (whole && labelled(at))) return '.';
      // A hex UUID unlabelled (or glued to a prefix) is masked; a ULID-shaped word is judged below.
      if (id.includes('-')) unsafe = true;
      return id;
    });
    if (unsafe) return REDACTED;
    const named = ids.replace(HEX_RUN, (hex: string, at: number) => (labelled(at) ? '.' : hex));
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
  if (word.length >= 20 && letters >= word.length - 2 && upper >= letters * 0.3 && upper <= letters * 0.7) return true;
  // Letters only, in one case: few vowels or many distinct letters, unlike a long word.
  return word.length >= 20 && letters === word.length && (upper === 0 || upper === letters) && singleCaseRandom(word.toLowerCase());
}

/** Random letters hold about one vowel in five and 14 distinct letters in 20; a word holds two in five and fewer distinct letters. */
function singleCaseRandom(word: string): boolean {
  let vowels = 0;
  for (const char of word) if ('aeiouy'.includes(char)) vowels++;
  const distinct = new Set(word).size;
  return vowels < word.length * 0.3 || distinct >= word.length * 0.65;
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

/**
 * At most `max` characters, cut where a token ends (a blank, a quote, a bracket, a comma), so that
 * no piece of a token remains; with no such place, nothing. A text of exactly `max` characters is
 * taken for one cut already (the record layer reads at most that much of an error text) and loses
 * its last token the same way.
 */
export function capLength(text: string, max: number): string {
  if (text.length < max) return text;
  let end = Math.min(max - 1, text.length);
  while (end > 0 && !/[\s"'`,;(){}[\]<>|]/.test(text[end - 1])) end--;
  return `${text.slice(0, end)}…`;
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
