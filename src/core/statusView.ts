// The status bar as a pure function of the tracker's snapshot: text, colour, tooltip, click.
// No vscode import: the editor adapter maps `severity` to statusBarItem.warningBackground /
// errorBackground and the tooltip to a trusted MarkdownString.
import { CommandId } from './commandIds';
import { familyOf, type EpisodeFamily } from './episodes';
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
  /** The outage the user was told of is over: the evidence and the time lost in words, and when; omitted or null: none. */
  backToWork?: { words: string; at: number } | null;
  /**
   * The window is remote (code-server, SSH, WSL, a container): machine settings such as the config
   * dir live only under the Settings editor's Remote tab, so "Not watching" opens that tab.
   */
  remote?: boolean;
}

/** What kind of thing an action does: the click menu groups them under these headings. */
export type ActionGroup = 'report' | 'check' | 'look' | 'indicator' | 'setup';

export const ACTION_GROUP_TITLES: Record<ActionGroup, string> = {
  report: 'Report to Anthropic',
  check: 'Check',
  look: 'Look closer',
  indicator: 'Status bar',
  setup: 'Set up',
};

/** One thing the user can do from the item: a tooltip link and a quick pick entry alike. */
export interface StatusAction {
  title: string;
  command: string;
  args?: unknown[];
  /** A codicon name (`copy`, `github`), shown in the click menu. */
  icon?: string;
  group?: ActionGroup;
  /** A few words after the title in the click menu ("until the next failure"). */
  description?: string;
}

/**
 * The editor's setting for the config dir: where "Not watching" sends the user. The setting is
 * machine-scoped, so a remote window shows it only under the Remote tab: the User tab would say
 * "No Settings Found". Both commands take a search query.
 */
export function openConfigDirSetting(remote: boolean): StatusAction {
  return {
    title: 'Open Setting',
    command: remote ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings',
    args: [remote ? { query: settingName('configDir') } : settingName('configDir')],
    icon: 'settings-gear',
    group: 'setup',
  };
}

/** The local window's "Open Setting" (the User tab). */
export const OPEN_CONFIG_DIR_SETTING: StatusAction = openConfigDirSetting(false);

/** Commands outside our own that the tooltip may run: the settings editor, in either tab. */
export const SETTINGS_COMMANDS = ['workbench.action.openSettings', 'workbench.action.openRemoteSettings'] as const;

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
  /** The click menu's title: what the item says, in words ("Claude API 500 · server error"). */
  title: string;
}

const CLASS_WORDS: Record<FailureClass, string> = {
  server: 'server error',
  overloaded: 'overloaded',
  rate_limit: 'rate limited',
  auth: 'login needed',
  client: 'request rejected',
  network: 'connection failed',
  unknown: 'API error',
};

/**
 * A network error code in words, for the item and the CLI (the tooltip keeps the code itself):
 * Node's spelling and that of Claude Code's own runtime (`FailedToOpenSocket`, `ConnectionRefused`).
 */
export function describeNetworkCode(code: string | null): string {
  if (!code) return CLASS_WORDS.network;
  if (/^(?:ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$|DNS|Resolve/i.test(code)) return 'DNS lookup failed';
  if (/REFUSED|Refused/.test(code)) return 'connection refused';
  if (/TIMEDOUT|TIMEOUT|Timeout|TimedOut/.test(code)) return 'timed out';
  if (/^(?:ENETUNREACH|EHOSTUNREACH|ENETDOWN|EHOSTDOWN)$/.test(code)) return 'network unreachable';
  if (/CERT|TLS|SSL/i.test(code)) return 'TLS error';
  return CLASS_WORDS.network;
}

/** The failure's class in words; a network failure says which (`DNS lookup failed`, `connection failed`). */
function classWords(failure: ApiFailureEvent): string {
  return failure.failureClass === 'network' ? describeNetworkCode(failure.networkCode) : CLASS_WORDS[failure.failureClass];
}

/** What failed, in a word or two: the status, else the class in words (`500`, `connection failed`). */
export function shortWhat(failure: ApiFailureEvent): string {
  return failure.status !== null ? String(failure.status) : classWords(failure);
}

/**
 * Requests and retries counted apart, as the report counts them: "1 failed request after 4
 * retries", "2 failed requests", "3 retries"; empty when there is neither.
 */
export function describeRequestCounts(failedRequests: number, retries: number): string {
  if (failedRequests === 0) return retries === 0 ? '' : countOf(retries, 'retry', 'retries');
  const failed = countOf(failedRequests, 'failed request');
  return retries === 0 ? failed : `${failed} after ${countOf(retries, 'retry', 'retries')}`;
}

/**
 * Whether a failure is something to file in Claude Code's tracker: the status item's rule (it
 * offers Copy Bug Report), kept by every other way in (the palette, notifications, Recent Failures).
 */
export function canFileReport(failure: ApiFailureEvent): boolean {
  return actionsFor(failure).some((action) => action.command === CommandId.copyBugReport);
}

/** Why there is nothing to file, in one sentence that fits a toast. */
export function nothingToFileReason(failure: ApiFailureEvent): string {
  switch (familyOf(failure.failureClass)) {
    case 'auth':
      return 'Nothing to file: Claude Code needs you to log in (run /login in Claude Code), which is not a bug.';
    case 'network':
      return 'Nothing to file: Claude Code could not reach the API. Check API Health tells whether it is your connection or the API.';
    default:
      return "Nothing to file: this is your plan's or organization's limit, not a bug.";
  }
}

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

const FAMILY_WORDS: Record<EpisodeFamily, string> = {
  anthropic: "Anthropic's outage",
  rate_limit: 'Limits',
  auth: 'Login problems',
  network: 'Connection failures',
  client: 'Rejected requests',
  unknown: 'Other API errors',
};

/** A run of one family in words, for the headings of Recent Failures: only Anthropic's side is an outage. */
export function describeEpisodeFamily(family: EpisodeFamily): string {
  return FAMILY_WORDS[family];
}

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
    const what = shortWhat(failure);
    const attempt = snapshot.retry?.attempt ?? null;
    const max = snapshot.retry?.maxRetries ?? null;
    const progress = attempt === null ? 'retrying' : max === null ? `retry ${attempt}` : `retry ${attempt}/${max}`;
    const spoken = attempt === null ? 'retrying' : max === null ? `retry ${attempt}` : `retry ${attempt} of ${max}`;
    const nextAt = snapshot.retry?.nextRetryAt ?? null;
    // Past an overdue attempt nothing is spinning any more: Claude Code was interrupted or went quiet.
    const icon = nextAt !== null && options.now > nextAt + OVERDUE_RETRY_MS ? '$(sync)' : '$(sync~spin)';
    text = `${icon} Claude API ${what} · ${progress}`;
    label = `Claude API ${what}, ${classWords(failure)}, ${spoken}`;
    severity = 'warning';
  } else if (outage) {
    const what = shortWhat(failure);
    // ×N counts requests Claude Code gave up on, never its retries of them.
    const failed = Math.max(snapshot.failedRequests, 1);
    const count = failed > 1 ? ` ×${failed}` : '';
    text = `$(error) Claude API ${what}${count}`;
    label = `Claude API ${what}, ${CLASS_WORDS[c]}, ${describeRequestCounts(failed, snapshot.retries)}`;
    severity = 'error';
  } else {
    const reset = c === 'rate_limit' ? (failure.resetsAt ? `resets ${localClock(failure.resetsAt)}` : resetPhraseIn(failure.wording)) : null;
    const short = reset ? `limit · ${reset}` : classWords(failure);
    text = `$(warning) Claude: ${short}`;
    label = `Claude: ${short}`;
    severity = 'warning';
  }

  const actions = actionsFor(failure);
  const sections = [
    backToWorkSection(options.backToWork, options.now),
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
    title: `${failure.status !== null ? `Claude API ${failure.status}` : 'Claude API failure'} · ${classWords(failure)}`,
  };
}

/** What fits the trouble: file Anthropic's outages, check the network, log in, wait for a limit. */
export function actionsFor(failure: ApiFailureEvent | null): StatusAction[] {
  const a = (title: string, command: CommandId, icon: string, group: ActionGroup, description?: string): StatusAction =>
    description ? { title, command, icon, group, description } : { title, command, icon, group };
  const copy = a('Copy Bug Report', CommandId.copyBugReport, 'copy', 'report');
  const search = a('Search Existing Issues', CommandId.searchExistingIssues, 'search', 'report');
  const file = a('Open GitHub Issue', CommandId.openGitHubIssue, 'github', 'report');
  const health = a('Check API Health', CommandId.checkApiHealth, 'pulse', 'check');
  const status = a('Anthropic Status', CommandId.openAnthropicStatus, 'globe', 'check');
  const recent = a('Recent Failures', CommandId.showRecentFailures, 'list-unordered', 'look');
  const transcript = a('Open Transcript', CommandId.openTranscriptAtFailure, 'go-to-file', 'look');
  const history = a('Failure History', CommandId.showFailureHistory, 'graph', 'look');
  const log = a('Show Log', CommandId.showLog, 'output', 'look');
  const clear = a('Clear Status Bar Item', CommandId.clearIndicator, 'clear-all', 'indicator', 'until the next failure; Recent Failures keeps it');
  const look = [recent, transcript, history, log];
  if (!failure) return [recent, history, log, health, status];
  switch (familyOf(failure.failureClass)) {
    case 'anthropic':
      return [copy, search, file, status, ...look, clear];
    case 'network':
      return [health, status, ...look, clear];
    case 'auth':
    case 'rate_limit':
      // The user's own account, not a Claude Code bug: nothing to file.
      return [...look, health, clear];
    default:
      return [copy, search, health, ...look, clear];
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
  const sections = [lines.join(HARD_BREAK), backToWorkSection(options.backToWork, options.now)];
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
    title: 'Claude API recovered',
  };
}

/** A monitor that sees nothing must not look healthy: no config dir, or no transcript in it. */
function renderNotWatching(watching: WatchingState, remote: boolean): StatusView {
  const where = watching.configDirs.join(', ');
  const reason = watching.problem ?? `no transcripts at ${where}`;
  const actions: StatusAction[] = [
    openConfigDirSetting(remote),
    { title: 'Run Diagnostics', command: CommandId.runDiagnostics, icon: 'checklist', group: 'setup' },
    { title: 'Show Log', command: CommandId.showLog, icon: 'output', group: 'setup' },
  ];
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
    title: 'Claude API Watch: Not watching',
  };
}

/** Whether the source sees nothing to watch (once it has looked). */
export function notWatching(watching: WatchingState | undefined): boolean {
  return !!watching && (watching.phase === 'missing' || (watching.phase === 'live' && watching.transcripts === 0));
}

function renderHealthy(snapshot: TrackerSnapshot, options: StatusViewOptions): StatusView {
  if (notWatching(options.watching)) return renderNotWatching(options.watching!, options.remote ?? false);
  const lines =
    snapshot.failuresLastHour > 0
      ? ['No current Claude API failures', `Last hour: ${lastHour(snapshot)}`]
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
      backToWorkSection(options.backToWork, options.now),
      anthropicStatusSection(options.anthropicStatus),
      unknownFormatSection(options.unknownFormatLines),
      commandLinks(actions),
    ]),
    severity: 'none',
    accessibilityLabel: `Claude API Watch: ${lines[0].toLowerCase()}`,
    command: CommandId.showActions,
    actions,
    detail: null,
    title: `Claude API Watch: ${lines[0]}`,
  };
}

/** What failed, when, and how often. */
function failureSummary(snapshot: TrackerSnapshot, failure: ApiFailureEvent, now: number): string {
  const c = failure.failureClass;
  const title = failure.status !== null ? `Claude API ${failure.status}` : 'Claude API failure';
  const lines = [`**${title}** · ${classWords(failure)}`, CLASS_EXPLANATIONS[c]];
  // Claude Code's whole wording where it says more (the reset time, the limit, the advice), else the short message.
  if (failure.wording) lines.push(`Claude Code said: ${linkedText(displayText(failure.wording))}`);
  else if (failure.message) lines.push(`Message: ${linkedText(displayText(failure.message))}`);
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
  const counts = describeRequestCounts(snapshot.failedRequests, snapshot.retries);
  if (counts && snapshot.outageStartedAt !== null) {
    // An outage is Anthropic's; a login problem or a limit is only counted since it began.
    const since = localTime(snapshot.outageStartedAt, now);
    let line = familyOf(c) === 'anthropic' ? `This outage: ${counts} since ${since}` : `Since ${since}: ${counts}`;
    if (snapshot.affectedSessions.length > 1) line += ` in ${snapshot.affectedSessions.length} sessions`;
    lines.push(line);
  }
  lines.push(`Last hour: ${lastHour(snapshot)}`);
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
function backToWorkSection(backToWork: StatusViewOptions['backToWork'], now: number): string {
  return backToWork ? `**Back to work:** ${escapeMarkdown(backToWork.words)}, ${localTime(backToWork.at, now)}` : '';
}

/** One quiet line: Claude Code wrote error lines this release cannot read, and how to tell us. */
function unknownFormatSection(lines: number | undefined): string {
  if (!lines) return '';
  const what = lines === 1 ? '1 error line' : `${lines} error lines`;
  return `_${what} in a transcript format this release cannot read_ · [Report](command:${CommandId.reportUnknownFormat})`;
}

function link({ title, command, args }: StatusAction): string {
  return `[${title}](command:${command}${args ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`;
}

/** The tooltip's few links: the first group (what fits the trouble), then Recent Failures and the rest behind one link. */
function commandLinks(actions: readonly StatusAction[]): string {
  if (actions.length <= TOOLTIP_LINKS) return actions.map(link).join(' · ');
  const first = actions.filter((action) => action.group === actions[0].group).slice(0, TOOLTIP_LINKS - 1);
  const second: StatusAction[] = [];
  const recent = actions.find((action) => action.command === CommandId.showRecentFailures);
  if (recent && !first.includes(recent)) second.push(recent);
  second.push({ title: 'More Actions…', command: CommandId.showActions });
  return [first.map(link).join(' · '), second.map(link).join(' · ')].join(HARD_BREAK);
}

/** Links the tooltip shows at most before the rest go behind "More Actions…" (the click menu). */
const TOOLTIP_LINKS = 4;

/** "3 failed requests, 12 retries": the last hour's history, requests and retries apart. */
function lastHour(snapshot: TrackerSnapshot): string {
  const failed = snapshot.failedRequestsLastHour;
  const retries = snapshot.retriesLastHour;
  if (retries === 0) return countOf(failed, 'failed request');
  if (failed === 0) return countOf(retries, 'retry', 'retries');
  return `${countOf(failed, 'failed request')}, ${countOf(retries, 'retry', 'retries')}`;
}

/** A URL at the end of a sentence without the sentence's full stop (a loop: linear on any input). */
function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && '.,;:!?'.includes(url[end - 1])) end--;
  return url.slice(0, end);
}

/** Hosts Claude Code's own advice points at (status page, docs, console, plan upgrades): only these become links. */
const LINKED_HOST = /(?:^|\.)(?:anthropic\.com|claude\.com|claude\.ai)$/;

/**
 * Transcript text as literal Markdown with its https URLs to Anthropic's sites as links ("check
 * https://status.claude.com."): the link's text is the URL itself (escaped), trailing punctuation
 * stays outside, and only URLs SAFE_URL admits qualify; any other URL stays plain text.
 */
function linkedText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/https:\/\/[^\s<>()[\]"'`]+/g)) {
    const url = trimTrailingPunctuation(match[0]);
    if (!SAFE_URL.test(url) || !LINKED_HOST.test(new URL(url).hostname)) continue;
    out += escapeMarkdown(text.slice(last, match.index)) + `[${escapeMarkdown(url)}](${url})`;
    last = match.index + url.length;
  }
  return out + escapeMarkdown(text.slice(last));
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

/**
 * Text in lines of at most `width` characters, broken at spaces (a longer word gets a line of its
 * own, cut): Claude Code's wording as rows of the click menu, where a row does not wrap.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The tooltip's times are the user's clock (the report keeps UTC). */
function when(ms: number, now: number): string {
  return `${formatRelativeTime(ms, now)} (${localTime(ms, now)})`;
}

/**
 * `21:58:33` on this machine's clock, the one time format of the tooltip and Recent Failures; a
 * day other than `now`'s adds its date (`2026-03-01 21:58:33`).
 */
export function localTime(ms: number, now: number): string {
  const at = new Date(ms);
  const today = new Date(now);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  return sameDay ? clock : `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${clock}`;
}

function countOf(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
