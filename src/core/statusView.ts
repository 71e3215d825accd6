// The status bar as a pure function of the tracker's snapshot: text, colour, tooltip, click.
// No vscode import: the editor adapter maps `severity` to statusBarItem.warningBackground /
// errorBackground and the tooltip to a trusted MarkdownString.
import { CommandId } from './commandIds';
import { familyOf } from './episodes';
import { baseName } from './paths';
import { displayText, sanitizeText } from './text/sanitize';
import { describePlanLimit, resetPhraseIn } from './planLimit';
import { settingName } from './settingNames';
import type { TrackerSnapshot } from './tracker';
import type { ApiFailureEvent, FailureClass, WatchingState } from './types';

export type StatusSeverity = 'none' | 'warning' | 'error';

/** What status.claude.com reports (Statuspage summary), 'unknown' when it could not be asked. */
export interface AnthropicStatusSummary {
  /** none / minor / major / critical. */
  indicator: string;
  description: string;
  incidents: { name: string; status: string; url?: string }[];
}

export interface StatusViewOptions {
  showWhenHealthy: boolean;
  /** Epoch ms, for relative times. */
  now: number;
  /** Omitted or null: no status line. */
  anthropicStatus?: AnthropicStatusSummary | 'unknown' | null;
  /** Error lines in a shape this release cannot read: a quiet line offering a report when above 0. */
  unknownFormatLines?: number;
  /** What the transcript source sees; omitted: not known (no "not watching" state). */
  watching?: WatchingState;
  /** The outage the user was told of is over: the evidence and the time lost, in words; omitted or null: none. */
  backToWork?: string | null;
}

/** One thing the user can do from the item: a tooltip link and a quick pick entry alike. */
export interface StatusAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** The editor's setting for the config dir: where "Not watching" sends the user. */
export const OPEN_CONFIG_DIR_SETTING: StatusAction = {
  title: 'Open Setting',
  command: 'workbench.action.openSettings',
  args: [settingName('configDir')],
};

/** What every command says when there is nothing to show or report: one short sentence that fits a toast. */
export const NO_FAILURES_SEEN = 'No Claude API failures seen';

/** A retry whose next attempt was due this long ago no longer spins: Claude Code has stopped saying anything. */
export const OVERDUE_RETRY_MS = 30_000;

export interface StatusView {
  visible: boolean;
  text: string;
  /** Trusted Markdown (command links); every text from transcripts or the network is escaped. */
  tooltipMarkdown: string;
  severity: StatusSeverity;
  accessibilityLabel: string;
  /** What a click (or Enter) runs: the quick pick of `actions`. */
  command: string | undefined;
  /** What can be done now, the most useful first (the tooltip's links, the click's quick pick). */
  actions: StatusAction[];
  /** Plain text: Claude Code's whole wording of the failure shown (the click's quick pick says it), or null. */
  detail: string | null;
}

const CLASS_WORDS: Record<FailureClass, string> = {
  server: 'server error',
  overloaded: 'overloaded',
  rate_limit: 'rate limited',
  auth: 'login needed',
  client: 'request rejected',
  network: 'offline',
  unknown: 'API error',
};

/** Whose problem it is, in one sentence: the first thing a user wants to know. */
const CLASS_EXPLANATIONS: Record<FailureClass, string> = {
  server: "Anthropic's servers returned an error: a problem on their side, usually temporary.",
  overloaded: "Anthropic's API is overloaded: a problem on their side, usually temporary.",
  rate_limit: 'Requests are rate limited or a plan limit was reached.',
  auth: 'Claude Code is not logged in or its credentials were refused: run /login.',
  client: 'The API rejected the request itself.',
  network: 'Claude Code could not reach the API: check the connection, proxy or DNS.',
  unknown: 'The API returned an error that could not be classified.',
};

/** A failure class in plain words, as the status bar says it ("rate limited", "login needed"). */
export function describeFailureClass(c: FailureClass): string {
  return CLASS_WORDS[c];
}

/** "just now", "45 s ago", "2 min ago", "3 h ago", "2 days ago"; "in 20 s" for future times. */
export function formatRelativeTime(ms: number, now: number): string {
  const diff = now - ms;
  const abs = Math.abs(diff);
  if (abs < 1000) return 'just now';
  let amount: string;
  if (abs < 60_000) amount = `${Math.floor(abs / 1000)} s`;
  else if (abs < 3_600_000) amount = `${Math.floor(abs / 60_000)} min`;
  else if (abs < 86_400_000) amount = `${Math.floor(abs / 3_600_000)} h`;
  else {
    const days = Math.floor(abs / 86_400_000);
    amount = `${days} ${days === 1 ? 'day' : 'days'}`;
  }
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

export function renderStatus(snapshot: TrackerSnapshot, options: StatusViewOptions): StatusView {
  const failure = snapshot.failure;
  if ((snapshot.state === 'failing' || snapshot.state === 'retrying') && failure) {
    return renderFailing(snapshot, failure, options);
  }
  if (snapshot.state === 'recovered') return renderRecovered(snapshot, options);
  return renderHealthy(snapshot, options);
}

function renderFailing(snapshot: TrackerSnapshot, failure: ApiFailureEvent, options: StatusViewOptions): StatusView {
  const c = failure.failureClass;
  const outage = c === 'server' || c === 'overloaded';
  let text: string;
  let label: string;
  let severity: StatusSeverity;
  if (snapshot.state === 'retrying') {
    const what = failure.status !== null ? String(failure.status) : (failure.networkCode ?? CLASS_WORDS[c]);
    const attempt = snapshot.retry?.attempt ?? null;
    const max = snapshot.retry?.maxRetries ?? null;
    const progress = attempt === null ? 'retrying' : max === null ? `retry ${attempt}` : `retry ${attempt}/${max}`;
    const spoken = attempt === null ? 'retrying' : max === null ? `retry ${attempt}` : `retry ${attempt} of ${max}`;
    const nextAt = snapshot.retry?.nextRetryAt ?? null;
    // Past an overdue attempt nothing is spinning any more: Claude Code was interrupted or went quiet.
    const icon = nextAt !== null && options.now > nextAt + OVERDUE_RETRY_MS ? '$(sync)' : '$(sync~spin)';
    text = `${icon} Claude API ${what} · ${progress}`;
    label = `Claude API ${what}, ${CLASS_WORDS[c]}, ${spoken}`;
    severity = 'warning';
  } else if (outage) {
    const what = failure.status !== null ? String(failure.status) : CLASS_WORDS[c];
    const count = snapshot.failureCount > 1 ? ` ×${snapshot.failureCount}` : '';
    text = `$(error) Claude API ${what}${count}`;
    label = `Claude API ${what}, ${CLASS_WORDS[c]}, ${countOf(Math.max(snapshot.failureCount, 1), 'failed request')}`;
    severity = 'error';
  } else {
    const reset = c === 'rate_limit' ? (failure.resetsAt ? `resets ${localClock(failure.resetsAt)}` : resetPhraseIn(failure.wording)) : null;
    const short = reset ? `limit · ${reset}` : CLASS_WORDS[c];
    text = `$(warning) Claude: ${short}`;
    label = `Claude: ${short}`;
    severity = 'warning';
  }

  const actions = actionsFor(failure);
  const sections = [
    backToWorkSection(options.backToWork),
    failureSummary(snapshot, failure, options.now),
    failureContext(failure),
    anthropicStatusSection(options.anthropicStatus),
    unknownFormatSection(options.unknownFormatLines),
    commandLinks(actions),
  ];
  return {
    visible: true,
    text,
    tooltipMarkdown: joinSections(sections),
    severity,
    accessibilityLabel: label,
    command: CommandId.showActions,
    actions,
    detail: displayText(failure.wording ?? failure.message),
  };
}

/** What fits the trouble: file Anthropic's outages, check the network, log in, wait for a limit. */
export function actionsFor(failure: ApiFailureEvent | null): StatusAction[] {
  const a = (title: string, command: CommandId): StatusAction => ({ title, command });
  const history = a('Failure History', CommandId.showFailureHistory);
  const common = [a('Recent Failures', CommandId.showRecentFailures), a('Open Transcript', CommandId.openTranscriptAtFailure), history, a('Show Log', CommandId.showLog), a('Clear', CommandId.clearIndicator)];
  if (!failure) return [a('Recent Failures', CommandId.showRecentFailures), history, a('Check API Health', CommandId.checkApiHealth), a('Anthropic Status', CommandId.openAnthropicStatus), a('Show Log', CommandId.showLog)];
  switch (familyOf(failure.failureClass)) {
    case 'anthropic':
      return [a('Copy Bug Report', CommandId.copyBugReport), a('Search Existing Issues', CommandId.searchExistingIssues), a('Open GitHub Issue', CommandId.openGitHubIssue), a('Anthropic Status', CommandId.openAnthropicStatus), ...common];
    case 'network':
      return [a('Check API Health', CommandId.checkApiHealth), a('Anthropic Status', CommandId.openAnthropicStatus), ...common];
    case 'auth':
    case 'rate_limit':
      // The user's own account, not a Claude Code bug: nothing to file.
      return [...common.slice(0, 2), a('Check API Health', CommandId.checkApiHealth), ...common.slice(2)];
    default:
      return [a('Copy Bug Report', CommandId.copyBugReport), a('Search Existing Issues', CommandId.searchExistingIssues), a('Check API Health', CommandId.checkApiHealth), ...common];
  }
}

/** `17:40` in this machine's time zone. */
function localClock(iso: string): string {
  const at = new Date(iso);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

function renderRecovered(snapshot: TrackerSnapshot, options: StatusViewOptions): StatusView {
  const lines = ['**Claude API recovered**'];
  if (snapshot.recoveredAt !== null) lines[0] += ` ${when(snapshot.recoveredAt, options.now)}`;
  const sections = [lines.join(HARD_BREAK), backToWorkSection(options.backToWork)];
  if (snapshot.failure) {
    sections.push(failureSummary(snapshot, snapshot.failure, options.now), failureContext(snapshot.failure));
  }
  const actions = actionsFor(snapshot.failure);
  sections.push(anthropicStatusSection(options.anthropicStatus), unknownFormatSection(options.unknownFormatLines), commandLinks(actions));
  return {
    visible: true,
    text: '$(check) Claude API recovered',
    tooltipMarkdown: joinSections(sections),
    severity: 'none',
    accessibilityLabel: 'Claude API recovered',
    command: CommandId.showActions,
    actions,
    detail: snapshot.failure ? displayText(snapshot.failure.wording ?? snapshot.failure.message) : null,
  };
}

/** A monitor that sees nothing must not look healthy: no config dir, or no transcript in it. */
function renderNotWatching(watching: WatchingState): StatusView {
  const where = watching.configDirs.join(', ');
  const reason = watching.problem ?? `no transcripts at ${where}`;
  const actions: StatusAction[] = [OPEN_CONFIG_DIR_SETTING, { title: 'Run Diagnostics', command: CommandId.runDiagnostics }, { title: 'Show Log', command: CommandId.showLog }];
  const lines = [
    `**Not watching:** ${escapeMarkdown(reason)}`,
    'Claude Code writes its transcripts under `projects/` in its config dir. Set `claudeAPIWatch.configDir` if it uses another one (for example `CLAUDE_CONFIG_DIR` set only in your shell).',
  ];
  return {
    visible: true,
    text: '$(eye-closed) Claude: not watching',
    tooltipMarkdown: joinSections([lines.join(HARD_BREAK), commandLinks(actions)]),
    severity: 'warning',
    accessibilityLabel: `Claude API Watch: not watching, ${reason}`,
    command: CommandId.showActions,
    actions,
    detail: null,
  };
}

/** Whether the source sees nothing to watch (once it has looked). */
export function notWatching(watching: WatchingState | undefined): boolean {
  return !!watching && (watching.phase === 'missing' || (watching.phase === 'live' && watching.transcripts === 0));
}

function renderHealthy(snapshot: TrackerSnapshot, options: StatusViewOptions): StatusView {
  if (notWatching(options.watching)) return renderNotWatching(options.watching!);
  const lines =
    snapshot.failuresLastHour > 0
      ? ['No current Claude API failures', `Last hour: ${countOf(snapshot.failuresLastHour, 'failed request')}`]
      : [NO_FAILURES_SEEN];
  const watching = options.watching;
  if (watching) {
    let line = `Watching ${countOf(watching.transcripts, 'transcript')} in ${escapeMarkdown(watching.configDirs.join(', '))}`;
    if (watching.phase === 'reading') line += ' (reading recent ones)';
    if (watching.lastLineAt !== null) line += `; last line read ${formatRelativeTime(watching.lastLineAt, options.now)}`;
    lines.push(line);
  }
  const actions = actionsFor(null);
  return {
    visible: options.showWhenHealthy,
    text: '$(pulse)',
    tooltipMarkdown: joinSections([
      lines.join(HARD_BREAK),
      backToWorkSection(options.backToWork),
      anthropicStatusSection(options.anthropicStatus),
      unknownFormatSection(options.unknownFormatLines),
      commandLinks(actions),
    ]),
    severity: 'none',
    accessibilityLabel: `Claude API Watch: ${lines[0].toLowerCase()}`,
    command: CommandId.showActions,
    actions,
    detail: null,
  };
}

/** What failed, when, and how often. */
function failureSummary(snapshot: TrackerSnapshot, failure: ApiFailureEvent, now: number): string {
  const c = failure.failureClass;
  const title = failure.status !== null ? `Claude API ${failure.status}` : 'Claude API failure';
  const lines = [`**${title}** · ${CLASS_WORDS[c]}`, CLASS_EXPLANATIONS[c]];
  // Claude Code's whole wording where it says more (the reset time, the limit, the advice), else the short message.
  if (failure.wording) lines.push(`Claude Code said: ${escapeMarkdown(displayText(failure.wording))}`);
  else if (failure.message) lines.push(`Message: ${escapeMarkdown(displayText(failure.message))}`);
  if (c === 'rate_limit' && (failure.resetsAt || failure.limitWindow)) lines.push(escapeMarkdown(describePlanLimit(failure, new Date(now))));
  if (snapshot.failureAt !== null) lines.push(`When: ${when(snapshot.failureAt, now)}`);
  const retry = snapshot.state === 'retrying' ? snapshot.retry : null;
  if (retry && retry.attempt !== null) {
    let line = `Retry ${retry.attempt}${retry.maxRetries !== null ? ` of ${retry.maxRetries}` : ''}`;
    if (retry.nextRetryAt !== null) {
      line += retry.nextRetryAt > now
        ? `, next attempt ${formatRelativeTime(retry.nextRetryAt, now)}`
        : `, next attempt was due ${formatRelativeTime(retry.nextRetryAt, now)}`;
    }
    lines.push(line);
  }
  if (snapshot.failureCount > 0 && snapshot.outageStartedAt !== null) {
    let line = `This outage: ${countOf(snapshot.failureCount, 'failed request')} since ${utc(snapshot.outageStartedAt)}`;
    if (snapshot.affectedSessions.length > 1) line += ` in ${snapshot.affectedSessions.length} sessions`;
    lines.push(line);
  }
  lines.push(`Last hour: ${countOf(snapshot.failuresLastHour, 'failed request')}`);
  return lines.join(HARD_BREAK);
}

/** Where it happened: request ID, project, session, versions. */
function failureContext(failure: ApiFailureEvent): string {
  const lines: string[] = [];
  const ids = failure.requestIds.length > 0 ? failure.requestIds : failure.requestId ? [failure.requestId] : [];
  if (ids.length > 0) {
    lines.push(`Request ID: ${identifier(ids[0])}${ids.length > 1 ? ` (+${ids.length - 1} more)` : ''}`);
  }
  if (failure.networkCode) lines.push(`Network: ${identifier(failure.networkCode)}`);
  const where: string[] = [];
  const project = failure.cwd ? baseName(failure.cwd) : '';
  if (project) where.push(`Project: ${escapeMarkdown(project)}`);
  if (failure.sessionId) where.push(`session ${identifier(failure.sessionId.slice(0, 8))}${failure.isSidechain ? ' (subagent)' : ''}`);
  if (where.length > 0) lines.push(where.join(' · '));
  const versions: string[] = [];
  if (failure.version) {
    let line = `Claude Code ${escapeMarkdown(failure.version)}`;
    if (failure.lastSuccessVersion && failure.lastSuccessVersion !== failure.version) {
      line += ` (last working: ${escapeMarkdown(failure.lastSuccessVersion)})`;
    }
    versions.push(line);
  }
  if (failure.model) versions.push(`model ${identifier(failure.model)}`);
  if (versions.length > 0) lines.push(versions.join(' · '));
  return lines.join(HARD_BREAK);
}

function anthropicStatusSection(status: StatusViewOptions['anthropicStatus']): string {
  if (status === undefined || status === null) return '';
  if (status === 'unknown') return 'Anthropic status: unknown';
  if (status.indicator === 'none') return 'Anthropic reports no incident';
  const lines = [`Anthropic reports: ${escapeMarkdown(status.description)}`];
  for (const incident of status.incidents.slice(0, 3)) {
    const name = escapeMarkdown(incident.name);
    const linked = incident.url && SAFE_URL.test(incident.url) ? `[${name}](${incident.url})` : name;
    lines.push(`${linked} (${escapeMarkdown(incident.status)})`);
  }
  return lines.join(HARD_BREAK);
}

/** The evidence that the API answers again after the outage, and the time lost. */
function backToWorkSection(words: string | null | undefined): string {
  return words ? `**Back to work:** ${escapeMarkdown(words)}` : '';
}

/** One quiet line: Claude Code wrote error lines this release cannot read, and how to tell us. */
function unknownFormatSection(lines: number | undefined): string {
  if (!lines) return '';
  const what = lines === 1 ? '1 error line' : `${lines} error lines`;
  return `_${what} in a transcript format this release cannot read_ · [Report](command:${CommandId.reportUnknownFormat})`;
}

function commandLinks(actions: readonly StatusAction[]): string {
  return actions
    .map(({ title, command, args }) => `[${title}](command:${command}${args ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`)
    .join(' · ');
}

/** A Markdown line break that stays inside the paragraph. */
const HARD_BREAK = '  \n';

/** Only plain https links from the status page become links: no parentheses, spaces or other schemes. */
const SAFE_URL = /^https:\/\/[A-Za-z0-9.-]+(?:\/[A-Za-z0-9\-._~%/?#&=+:@!$,;*']*)?$/;

function joinSections(sections: string[]): string {
  return sections.filter((s) => s.length > 0).join('\n\n');
}

/**
 * Text as literal Markdown: every ASCII punctuation character is backslash-escaped (CommonMark
 * allows it for all of them), which also breaks autolinks (`https\:`), HTML, entities and
 * `$(icon)` syntax; line breaks become spaces so text cannot start a heading or list.
 */
export function escapeMarkdown(text: string): string {
  // One pass over each run of blanks (linear time even on a megabyte of them).
  return sanitizeText(text).replace(/\s+/g, (blanks) => (/[\r\n]/.test(blanks) ? ' ' : blanks)).replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '\\$&');
}

/**
 * An identifier (request ID, model, network code) in a code span. Nothing can be escaped inside a
 * code span, so only plain identifier characters go in one; anything else is shown as escaped text.
 */
function identifier(text: string): string {
  return /^[\w.:@/-]+$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function when(ms: number, now: number): string {
  return `${formatRelativeTime(ms, now)} (${utc(ms)})`;
}

function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
