// Known token shapes from a maintained rule set: secretlint's recommended preset (AWS, GCP, GitHub,
// GitLab, Slack, npm, OpenAI, Anthropic, Hugging Face, SendGrid, Shopify, Vault, private keys, basic
// auth, database URLs, ...). This is the one place that loads it (./lazy/secretRules, a dynamic
// import), only when a report is built, so that activating the extension does not pay for it.
// Its findings feed the redactor (redact.ts), whose own rules cover what the set misses.
import { decodePercent, type RedactionContext } from './redact';

/** Findings shorter than this would mangle ordinary words wherever they occur. */
const MIN_SECRET_LENGTH = 8;
/** secretlint reads at most this much text per report: the texts it gets are already short. */
const MAX_SCANNED = 1 << 20;

/**
 * Every secret of a known shape in `texts`, as the literal strings to hide. Also looks in the
 * URL-decoded form of each text, so `token%3Dghp_...` is found too.
 */
export async function findKnownSecrets(texts: readonly string[]): Promise<string[]> {
  const { lintKnownSecrets } = await import('./lazy/secretRules.js');
  const variants = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    variants.add(text);
    const decoded = decodePercent(text);
    if (decoded !== text) variants.add(decoded);
  }
  // Same-length neutralising of secretlint's own directives keeps the ranges valid.
  const content = [...variants].join('\n').slice(0, MAX_SCANNED);
  const scanned = content.replaceAll('secretlint-', 'secretlint_');
  const found = new Set<string>();
  for (const [start, end] of await lintKnownSecrets(scanned)) {
    const secret = content.slice(start, end).trim();
    if (secret.length >= MIN_SECRET_LENGTH) found.add(secret);
  }
  // Longest first: a secret that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * How text about to leave the machine is redacted: `context` (home directory, user name) plus the
 * secrets of known shape the rule set finds in `texts`. The one setup shared by the bug report and
 * the diagnostics; pass every text that will be shown.
 */
export async function redactionFor(texts: readonly string[], context: RedactionContext): Promise<RedactionContext> {
  return { ...context, knownSecrets: await findKnownSecrets(texts) };
}
