// The one sanitiser for everything this product prints: a bug report and its URL, the tooltip, a
// notification, every line the CLI writes to a terminal. Text from a transcript or a file name can
// hold characters that act instead of showing: C0 and C1 controls (ESC starts a terminal's CSI and
// OSC sequences: a hyperlink, a clipboard write, a cleared screen), bidi controls that reorder what
// is read (U+202E), and invisible characters that split a word for a reader or a rule but not for
// the eye (U+200B). They are removed; a newline and a tab stay. Linear time, no allocation when
// there is nothing to remove.

/**
 * C0 controls but tab and newline, DEL, C1 controls, the soft hyphen, the Arabic letter mark,
 * zero-width and joiner characters, bidi marks, embeddings, overrides and isolates, word joiner and
 * invisible operators, the byte-order mark, interlinear annotation marks, Hangul fillers, the
 * combining grapheme joiner, the Mongolian vowel separator, and the Unicode tag characters.
 */
// eslint-disable-next-line no-control-regex, regexp/prefer-character-class -- controls are the point; U+034F, a combining mark, cannot share the class
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]|\u034f|\udb40[\udc00-\udc7f]/g;
/** Line and paragraph separators: a break for some readers, none for others. */
const UNICODE_BREAK = /[\u2028\u2029\u0085]/g;
/** A lone surrogate (text cut mid-character): U+FFFD, so that encoding it can never throw. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` without controls (but `\n` and `\t`), bidi controls and invisible characters. */
export function sanitizeText(text: string): string {
  // A carriage return before a newline is the line end of another system, not a control.
  let out = text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text;
  out = out.replace(UNICODE_BREAK, ' ').replace(INVISIBLE, '');
  return out.replace(LONE_SURROGATE, '\uFFFD');
}

/** `sanitizeText`, on one line: newlines and tabs become spaces. */
export function sanitizeLine(text: string): string {
  return sanitizeText(text).replace(/[\n\t]/g, ' ');
}

/** True when `sanitizeText` would change `text`. */
export function hasUnsafeCharacters(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  UNICODE_BREAK.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return INVISIBLE.test(text) || UNICODE_BREAK.test(text) || LONE_SURROGATE.test(text) || text.includes('\r');
}

/**
 * JSON text (from `JSON.stringify`) with every character `sanitizeText` would remove written as a
 * `\uXXXX` escape instead: the same JSON value, and nothing in it acts on a terminal. (Those
 * characters are never JSON syntax, so they can only stand inside strings, where an escape is valid.)
 */
export function escapeJsonText(json: string): string {
  return json.replace(UNICODE_BREAK, escapeUnit).replace(INVISIBLE, escapeUnit).replace(LONE_SURROGATE, escapeUnit);
}

function escapeUnit(units: string): string {
  let out = '';
  for (let i = 0; i < units.length; i++) out += `\\u${units.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * At most `max` characters (code points) of `text`, ending in `…` when cut: for display only.
 * Never cuts a surrogate pair, and never inside a `[REDACTED…]` marker: a cut that would land in
 * one goes before it. Cut where a word ends when one is near.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  let kept = points.slice(0, Math.max(0, max - 1)).join('');
  const open = kept.lastIndexOf('[REDACTED');
  if (open >= 0 && kept.indexOf(']', open) < 0) kept = kept.slice(0, open);
  const space = kept.lastIndexOf(' ');
  if (space >= kept.length * 0.8) kept = kept.slice(0, space);
  return `${kept.trimEnd()}…`;
}

/** Longest transcript text shown in one place of the editor or a terminal table (the report cuts its own). */
export const DISPLAY_MAX = 600;

/** Transcript text as shown locally (a tooltip, a notification, a table cell): sanitised, on one line, cut. */
export function displayText(text: string, max = DISPLAY_MAX): string {
  return cutText(sanitizeLine(text), max);
}
