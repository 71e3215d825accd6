// Copy Summary: the history panel's range as Markdown for a team chat or an incident review. Loaded
// with the other reporting code on first use (src/editor/lazy/reporting.ts): it needs the report's
// redaction rules, which the editor does not load at start-up.
import { parseRequestId, parseVersion } from '../report/fields';
import { redactionFor } from '../report/knownSecrets';
import { redact, type RedactionContext } from '../report/redact';
import { code } from '../report/report';
import { sanitizeText } from '../text/sanitize';
import type { FailureClass } from '../types';
import { CLASS_NOUNS } from './panelData';
import type { PanelData } from './panelProtocol';

/** How many request IDs a summary row lists before `+N more`. */
const SUMMARY_REQUEST_IDS = 3;

/** A table cell: one line, no pipe that would end it. */
const cell = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\|/g, '\\|');

/** The most common class in words: `server errors`. */
const classWords = (failureClass: FailureClass | null) => (failureClass ? CLASS_NOUNS[failureClass][1] : '—');

/**
 * Copy Summary: the range's figures and its episodes as Markdown tables, for a team chat or an
 * incident review, made safe as the bug report is: typed values (request IDs, versions) printed
 * only when they parse, free text (incident names, the status line) sanitised and redacted whole
 * with the report's rule set, then quoted on its own; our own words in between.
 */
export async function copySummaryMarkdown(data: PanelData, context: RedactionContext): Promise<string> {
  const texts = [data.statusLine, ...data.incidents.map((incident) => incident.name), ...data.episodes.flatMap((e) => (e.incident ? [e.incident.name] : []))];
  const redaction = await redactionFor(texts, context);
  return summaryMarkdown(data, (text) => redact(sanitizeText(text), redaction));
}

/** `copySummaryMarkdown` before redaction: `free` is what free text goes through (none in tests of the layout). */
export function summaryMarkdown(data: PanelData, free: (text: string) => string = (text) => text): string {
  const s = data.summary;
  const versions = s.versions.map((version) => parseVersion(version)).filter((version): version is string => version !== null);
  const lines = [
    `### Claude API failures: ${data.rangeText}, ${data.scopeText}`,
    '',
    `Times in ${data.timeZone}. ${cell(free(data.statusLine))}`,
    '',
    '| Failures | Retries | Outages | Longest outage | Hours with failures | Most common | Claude Code versions |',
    '| ---: | ---: | ---: | --- | ---: | --- | --- |',
    `| ${s.failures} | ${s.retries} | ${s.outages} | ${s.longestOutageText ?? '—'} | ${s.hoursWithFailures} | ${classWords(s.mostCommonClass)} | ${versions.join(', ') || '—'} |`,
    '',
  ];
  if (data.episodes.length === 0) {
    lines.push(data.empty?.text ?? 'No episodes in this range.');
    return lines.join('\n') + '\n';
  }
  lines.push('| Start | Duration | What happened | Is it me or Anthropic? | Request IDs |', '| --- | --- | --- | --- | --- |');
  for (const episode of [...data.episodes].reverse()) {
    const verdict = `**${episode.verdict.headline}**: ${episode.verdict.detail}${episode.incident ? `, ${code(cell(free(episode.incident.name)))}` : ''}`;
    const ids = episode.requestIds.map((id) => parseRequestId(id)).filter((id): id is string => id !== null);
    const shown = ids.slice(0, SUMMARY_REQUEST_IDS);
    const more = episode.requestIdCount - shown.length;
    const idText = shown.length ? shown.join(', ') + (more > 0 ? ` +${more} more` : '') : '—';
    lines.push(`| ${episode.when} | ${episode.duration} | ${episode.what.join(', ')} | ${verdict} | ${idText} |`);
  }
  return lines.join('\n') + '\n';
}
