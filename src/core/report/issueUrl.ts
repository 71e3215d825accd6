// A pre-filled GitHub issue URL for the claude-code bug form. Only the form's text fields go in the
// query: dropdowns and checkboxes cannot be pre-filled and can blank the form. GitHub answers 414
// above about 8 KB, so the *encoded* URL is kept under a limit by trimming the least useful text.
import { sanitizeText } from '../text/sanitize';
import { UNRECOGNISED } from './fields';
import { ISSUE_FIELD_IDS, type BugReport, type IssueFieldId } from './report';

export const DEFAULT_REPOSITORY = 'anthropics/claude-code';
export const DEFAULT_MAX_URL_LENGTH = 7500;
export const TRIMMED_NOTE = '(trimmed — the full report is on your clipboard)';

export interface IssueUrlOptions {
  /** `owner/name`; default `anthropics/claude-code`. */
  repository?: string;
  /** Longest encoded URL; default 7,500. */
  maxLength?: number;
}

/**
 * `owner/name` as GitHub allows them: nothing that could add a path, a query or a fragment
 * (`a/b?assignees=...`, `a/b/../../x`, `a/b#x`). Checked wherever a repository is taken in.
 */
const REPOSITORY = /^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}\/(?!\.\.?$)[\w.-]{1,100}$/;

/** The repository if it is a well-formed `owner/name` (surrounding blanks ignored), else null. */
export function validRepository(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return REPOSITORY.test(trimmed) ? trimmed : null;
}

/** Trimmed first to last: details, then the steps, then the log's tail, then the description. */
const TRIM_ORDER: readonly IssueFieldId[] = ['additional', 'reproduction', 'error_output', 'actual'];
/** Only when the four above are down to their notes and the URL is still too long (absurd input). */
const LAST_RESORT_ORDER: readonly IssueFieldId[] = ['expected', 'working_version', 'version', 'title'];

export function buildIssueUrl(report: BugReport, options: IssueUrlOptions = {}): { url: string; trimmed: boolean } {
  const repository = validRepository(options.repository) ?? DEFAULT_REPOSITORY;
  const maxLength = options.maxLength ?? DEFAULT_MAX_URL_LENGTH;
  const base = `https://github.com/${repository}/issues/new?template=bug_report.yml`;
  if (base.length > maxLength) throw new RangeError(`The issue URL for ${repository} cannot fit in ${maxLength} characters`);

  const values = new Map<IssueFieldId, string>();
  for (const id of ISSUE_FIELD_IDS) {
    // (The report's values are sanitised already; a report from elsewhere is too, here.)
    const value = sanitizeText(report.fields[id] ?? '');
    if (value) values.set(id, value);
  }
  const encodedLength = (id: IssueFieldId, value: string): number =>
    value ? `&${id}=`.length + encodeURIComponent(value).length : 0;
  let total = base.length + [...values].reduce((sum, [id, value]) => sum + encodedLength(id, value), 0);

  let trimmed = false;
  for (const id of [...TRIM_ORDER, ...LAST_RESORT_ORDER]) {
    if (total <= maxLength) break;
    const value = values.get(id);
    if (!value) continue;
    const others = total - encodedLength(id, value);
    const note = id === 'title' || id === 'version' || id === 'working_version' ? '' : TRIMMED_NOTE;
    const shorter = trimToFit(value, maxLength - others - `&${id}=`.length, note);
    // A field shorter than the note is worth more whole.
    if (encodedLength(id, shorter) >= encodedLength(id, value)) continue;
    values.set(id, shorter);
    total = others + encodedLength(id, shorter);
    trimmed = true;
  }
  if (total > maxLength) {
    // Even the notes do not fit: drop whole fields, least useful first.
    for (const id of [...TRIM_ORDER, ...LAST_RESORT_ORDER]) {
      if (total <= maxLength) break;
      total -= encodedLength(id, values.get(id) ?? '');
      values.delete(id);
    }
  }

  const query = ISSUE_FIELD_IDS.filter((id) => values.get(id))
    .map((id) => `&${id}=${encodeURIComponent(values.get(id)!)}`)
    .join('');
  return { url: base + query, trimmed };
}

/** "Search existing issues": open and closed issues with the same status and error type. */
export function buildIssueSearchUrl(report: BugReport, options: Pick<IssueUrlOptions, 'repository'> = {}): string {
  const { status, errorType, networkCode } = report.summary;
  const terms = ['is:issue', status === null ? '"API Error"' : `"API Error" ${status}`];
  // Parsed values only (the summary's): an unrecognised one is left out of the search.
  if (errorType && errorType !== UNRECOGNISED) terms.push(errorType);
  else if (networkCode && networkCode !== UNRECOGNISED) terms.push(networkCode);
  const query = encodeURIComponent(sanitizeText(terms.join(' ')));
  return `https://github.com/${validRepository(options.repository) ?? DEFAULT_REPOSITORY}/issues?q=${query}`;
}

/**
 * The longest start of `text` whose encoding, with `note` on its own line after it, fits in
 * `budget` characters. Cut between code points (never inside a surrogate pair, so never inside a
 * %-escape either), at a line break or space when one is near; just the note when nothing fits.
 */
function trimToFit(text: string, budget: number, note: string): string {
  const suffix = note ? `\n${note}` : '';
  const suffixLength = encodeURIComponent(suffix).length;
  // No room yet (a later field is huge): keep the note; the field is dropped if it still does not fit.
  if (suffixLength > budget) return note;
  // Every code point encodes to at least one character, so no prefix longer than the budget fits.
  // A slice of 2×budget units holds at least budget code points, so a pair it cuts falls outside.
  const codePoints = Array.from(text.slice(0, Math.max(0, budget) * 2)).slice(0, Math.max(0, budget));
  const fits = (count: number): boolean =>
    encodeURIComponent(codePoints.slice(0, count).join('')).length + suffixLength <= budget;
  let low = 0;
  let high = codePoints.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  const kept = codePoints.slice(0, low).join('');
  const lineEnd = kept.lastIndexOf('\n');
  const wordEnd = kept.lastIndexOf(' ');
  const cut = lineEnd >= kept.length / 2 ? lineEnd : wordEnd >= kept.length / 2 ? wordEnd : kept.length;
  const body = kept.slice(0, cut).trimEnd();
  return body ? `${body}${suffix}` : note;
}
