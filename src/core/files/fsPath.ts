// File names are bytes on Linux and most Unixes, and need not be valid UTF-8 (a Latin-1 name from an
// old archive or another machine). Node decodes such a name lossily (each bad byte becomes U+FFFD),
// and the string it gives back no longer names the file. Here a name is decoded so that it does:
// every byte that is not part of valid UTF-8 becomes a lone surrogate, U+DC80 to U+DCFF (as
// Python's "surrogateescape"). Valid UTF-8 never decodes to a lone surrogate, so the string is
// unique to the bytes and turns back into them exactly; for an ordinary name it is the ordinary
// string. Paths stay strings everywhere (keys, JSON, messages to workers); `fsPath` turns one back
// into what the file system calls take, and `displayPath` shows it escaped.
import type { Dirent } from 'node:fs';

const REPLACEMENT = '\uFFFD';
const ESCAPE_BASE = 0xdc00;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
/** No lone surrogate: native where there is one (Node 20), a regular expression elsewhere. */
const isWellFormed: (text: string) => boolean = nativeIsWellFormed ? (text) => nativeIsWellFormed.call(text) : (text) => !LONE_SURROGATE.test(text);

/**
 * The path to give to `fs` calls: the string itself when it is well formed (every ordinary path,
 * at the cost of one scan), else its bytes, each escaped byte restored.
 */
export function fsPath(file: string): string | Buffer {
  return isWellFormed(file) ? file : encodeEscaped(file);
}

/** Whether `file` holds a byte that is not valid UTF-8 (escaped). */
export function hasEscapedBytes(file: string): boolean {
  return !isWellFormed(file);
}

/** `file` for people: each byte that is not valid UTF-8 written `\xNN` (the rest as is). */
export function displayPath(file: string): string {
  if (isWellFormed(file)) return file;
  let out = '';
  for (let i = 0; i < file.length; i++) {
    const unit = file.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < file.length) {
      const next = file.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += file[i] + file[i + 1];
        i++;
        continue;
      }
    }
    if (unit >= 0xdc80 && unit <= 0xdcff) out += `\\x${(unit - ESCAPE_BASE).toString(16).padStart(2, '0')}`;
    else if (unit >= 0xd800 && unit <= 0xdfff) out += REPLACEMENT;
    else out += file[i];
  }
  return out;
}

/**
 * A file name read as bytes (`readdir` with `encoding: 'buffer'`), as a string that names the same
 * file through `fsPath`: its UTF-8 text, or with each byte that is not valid UTF-8 escaped.
 */
export function decodeFileName(name: Buffer): string {
  const text = name.toString('utf8');
  if (!text.includes(REPLACEMENT)) return text;
  // A U+FFFD may be genuine (the bytes EF BF BD): decode by hand, byte by byte.
  let out = '';
  let i = 0;
  while (i < name.length) {
    const length = validSequenceAt(name, i);
    if (length === 0) {
      out += String.fromCharCode(ESCAPE_BASE + name[i]);
      i++;
    } else {
      out += name.toString('utf8', i, i + length);
      i += length;
    }
  }
  return out;
}

/** Whether a listing read as UTF-8 may have lost bytes of a name (then it is read again as bytes). */
export function hasLossyName(entries: readonly Dirent[]): boolean {
  for (const entry of entries) if (entry.name.includes(REPLACEMENT)) return true;
  return false;
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or 0. */
function validSequenceAt(bytes: Buffer, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** The bytes of a string with escaped bytes (`decodeFileName`'s inverse). */
function encodeEscaped(file: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < file.length; i++) {
    const unit = file.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < file.length) {
      const next = file.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (unit < 0xd800 || unit > 0xdfff) continue;
    parts.push(Buffer.from(file.slice(start, i), 'utf8'));
    // An escaped byte; any other lone surrogate cannot come from a name and is written as U+FFFD, as Node would.
    parts.push(unit >= 0xdc80 && unit <= 0xdcff ? Buffer.of(unit - ESCAPE_BASE) : Buffer.from(REPLACEMENT, 'utf8'));
    start = i + 1;
  }
  parts.push(Buffer.from(file.slice(start), 'utf8'));
  return Buffer.concat(parts);
}
