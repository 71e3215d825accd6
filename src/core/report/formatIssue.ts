// "Report Unknown Transcript Format": an issue on THIS project (package.json `bugs.url`), pre-filled
// with what the canary saw — key skeletons and Claude Code versions, never a value from a line.
// As in the bug report: versions are parsed (anything else is UNRECOGNISED), each skeleton (keys are
// transcript text) is sanitised and redacted on its own and fenced so that it cannot close its
// fence, and nothing redacts the assembled Markdown again.
import type { CanarySnapshot } from '../canary';
import { sanitizeText } from '../text/sanitize';
import { parseVersion, UNRECOGNISED } from './fields';
import { DEFAULT_MAX_URL_LENGTH } from './issueUrl';
import { redact } from './redact';

/** A version from a transcript as it may be printed. */
function version(value: string): string {
  return value === 'unknown' ? value : (parseVersion(value) ?? UNRECOGNISED);
}

function fenced(text: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, text, fence];
}

export interface FormatIssueOptions {
  /** `bugs.url` of this extension, e.g. `https://github.com/owner/repo/issues`. */
  bugsUrl: string;
  extensionVersion?: string;
  maxUrlLength?: number;
}

/** The issue body: counts, versions and skeletons, as Markdown. */
export function formatIssueBody(snapshot: CanarySnapshot, extensionVersion?: string, shapeLimit = Number.POSITIVE_INFINITY): string {
  const byVersion = Object.entries(snapshot.unknownByVersion)
    .map(([seen, count]) => `- Claude Code ${version(seen)}: ${count} line${count === 1 ? '' : 's'}`)
    .join('\n');
  const shapes = snapshot.shapes.slice(0, shapeLimit);
  const left = snapshot.shapes.length - shapes.length;
  return [
    `Claude API Watch${extensionVersion ? ` ${version(extensionVersion)}` : ''} could not read ${snapshot.unknownLines} error line${snapshot.unknownLines === 1 ? '' : 's'} in Claude Code's transcripts (it knows Claude Code up to ${version(snapshot.newestKnownVersion)}).`,
    '',
    '### Claude Code versions',
    '',
    byVersion || '- unknown',
    ...(snapshot.newerThanKnown.length ? ['', `Newer than this release knows: ${snapshot.newerThanKnown.map(version).join(', ')}`] : []),
    '',
    '### Key skeletons (keys and JSON types only, no values)',
    '',
    ...shapes.flatMap((shape) => [
      `${shape.count}× from ${Object.keys(shape.versions).map(version).join(', ')}:`,
      ...fenced(redact(sanitizeText(shape.skeleton))),
      '',
    ]),
    ...(left > 0 ? [`… and ${left} more shape${left === 1 ? '' : 's'} (run \`claude-api-watch doctor\` for all).`] : []),
  ].join('\n');
}

/** The pre-filled "new issue" URL, shapes dropped from the end until it fits. Null for a `bugs.url` that is not https. */
export function buildFormatIssueUrl(snapshot: CanarySnapshot, options: FormatIssueOptions): string | null {
  let base: URL;
  try {
    base = new URL(options.bugsUrl);
  } catch {
    return null;
  }
  if (base.protocol !== 'https:') return null;
  const newIssue = `${base.origin}${trimTrailingSlashes(base.pathname)}/new`;
  const newest = snapshot.newerThanKnown[0] ?? Object.keys(snapshot.unknownByVersion)[0] ?? 'unknown';
  const title = `Unknown transcript format from Claude Code ${version(newest)}`;
  const max = options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  for (let limit = snapshot.shapes.length; limit >= 0; limit--) {
    const query = new URLSearchParams({ title, body: formatIssueBody(snapshot, options.extensionVersion, limit) });
    const url = `${newIssue}?${query.toString()}`;
    if (url.length <= max || limit === 0) return url.length <= max ? url : `${newIssue}?${new URLSearchParams({ title }).toString()}`;
  }
  return null;
}

function trimTrailingSlashes(pathname: string): string {
  let end = pathname.length;
  while (end > 0 && pathname[end - 1] === '/') end--;
  return pathname.slice(0, end);
}
