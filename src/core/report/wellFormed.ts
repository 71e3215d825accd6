// Text that can always be URL-encoded: on the activation path (issue URLs), where the redaction
// rules, which also use it, are not.

/** Lone surrogates (a line cut mid-character) replaced by U+FFFD, so that encodeURIComponent never throws. */
export function toWellFormed(text: string): string {
  const native = (text as { toWellFormed?: () => string }).toWellFormed;
  if (typeof native === 'function') return native.call(text);
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
