// Show Recent Failures, Open Transcript at Failure, Clear Indicator: what was seen, and where.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { groupEpisodes, type EpisodeFamily } from '../../core/episodes';
import {
  canFileReport,
  describeEpisodeFamily,
  describeFailureClass,
  describeRequestCounts,
  formatRelativeTime,
  localTime,
  NO_FAILURES_SEEN,
} from '../../core/statusView';
import { baseName } from '../../core/paths';
import { displayText } from '../../core/text/sanitize';
import type { ApiFailureEvent, ApiRefusalEvent } from '../../core/types';
import type { CommandContext, CommandHandler } from './context';
import { copyBugReport } from './reports';
import { resumeTargetIn } from './resume';

const t = vscode.l10n.t;

export async function openTranscriptAtFailure(ctx: CommandContext, chosen?: ApiFailureEvent | ApiRefusalEvent): Promise<void> {
  // The failure the status bar headlines, else the latest one seen.
  const failure = chosen ?? ctx.session.state.snapshot.failure ?? ctx.session.recentFailures(1)[0];
  if (!failure) {
    void vscode.window.showInformationMessage(t(NO_FAILURES_SEEN));
    return;
  }
  const position = new vscode.Position(Math.max(0, failure.line - 1), 0);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(failure.file));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: true });
  // Claude Code's files are read-only to us.
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
}

type FailureItem = vscode.QuickPickItem & { failure?: ApiFailureEvent; refusal?: ApiRefusalEvent; history?: true };

const COPY_ID = { iconPath: new vscode.ThemeIcon('copy'), tooltip: vscode.l10n.t('Copy Request ID') };
const COPY_REPORT = { iconPath: new vscode.ThemeIcon('report'), tooltip: vscode.l10n.t('Copy Bug Report') };
const OPEN_TRANSCRIPT = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: vscode.l10n.t('Open Transcript at This Line') };
const RESUME = { iconPath: new vscode.ThemeIcon('debug-restart'), tooltip: vscode.l10n.t('Resume Session') };

/**
 * A failure's buttons: its request ID, its report where there is something to file (the status
 * item's rule: not a login, a limit or the user's network), its transcript, and resuming its
 * session where that can be done from here.
 */
function buttonsFor(failure: ApiFailureEvent): (typeof COPY_ID)[] {
  return [
    ...(failure.requestId ? [COPY_ID] : []),
    ...(canFileReport(failure) ? [COPY_REPORT] : []),
    OPEN_TRANSCRIPT,
    ...(resumeTargetIn(failure) ? [RESUME] : []),
  ];
}

/**
 * Recent failures grouped by episode (the session's one definition), each with its actions as
 * buttons. Newest first throughout: the group that saw the latest line first, and within a group
 * the latest line first. One time format (the user's clock, as in the tooltip).
 */
async function showRecentFailures(ctx: CommandContext): Promise<void> {
  const failures = ctx.session.recentFailures(200);
  const refusals = ctx.session.recentRefusals(50);
  if (failures.length === 0 && refusals.length === 0) {
    void vscode.window.showInformationMessage(t(NO_FAILURES_SEEN));
    return;
  }
  const now = Date.now();
  const items: FailureItem[] = [];
  const episodes = groupEpisodes(failures, ctx.settings().quietPeriodMs).sort((a, b) => b.endAt - a.endAt || b.startAt - a.startAt);
  for (const episode of episodes) {
    items.push({ kind: vscode.QuickPickItemKind.Separator, label: episodeHeading(episode.family, episode.events, episode.startAt, episode.endAt, now) });
    for (const failure of [...episode.events].reverse()) {
      items.push({
        label: failureLabel(failure),
        description: failureTime(failure, now),
        detail: failureDetail(failure),
        failure,
        buttons: buttonsFor(failure),
      });
    }
  }
  // Refusals last and quiet: the model declined, the API worked (no bug report is offered for them).
  if (refusals.length > 0) items.push({ kind: vscode.QuickPickItemKind.Separator, label: t('Refusals: the model declined (not API failures)') });
  for (const refusal of refusals) {
    items.push({
      label: `$(circle-slash) ${displayText(refusal.message)}`,
      description: failureTime(refusal, now),
      detail: failureDetail(refusal),
      refusal,
      buttons: refusal.requestId ? [COPY_ID, OPEN_TRANSCRIPT] : [OPEN_TRANSCRIPT],
    });
  }
  const pick = vscode.window.createQuickPick<FailureItem>();
  pick.title = t('Recent Claude API Failures (1/2)');
  pick.placeholder = t('Choose a failure; its buttons copy the request ID or the report, open the transcript or resume the session');
  pick.matchOnDetail = true;
  pick.matchOnDescription = true;
  // Older outages, and whether Anthropic's status page reported them: the history panel.
  const history: FailureItem = { label: `$(graph) ${t('Show Failure History')}`, description: t('the last 30 days, with Anthropic\'s incidents'), alwaysShow: true, history: true };
  pick.items = [...items, { kind: vscode.QuickPickItemKind.Separator, label: '' }, history];
  const run = async (failure: ApiFailureEvent | ApiRefusalEvent, button: vscode.QuickInputButton) => {
    pick.hide();
    if (button === COPY_ID && failure.requestId) {
      await vscode.env.clipboard.writeText(failure.requestId);
      void vscode.window.showInformationMessage(t('Copied request ID {0}', failure.requestId));
    } else if (button === COPY_REPORT && failure.kind !== 'refusal') {
      await copyBugReport(ctx, failure);
    } else if (button === RESUME) {
      await vscode.commands.executeCommand(CommandId.resumeSession, failure);
    } else {
      await openTranscriptAtFailure(ctx, failure);
    }
  };
  const chosen = await new Promise<FailureItem | undefined>((resolve) => {
    pick.onDidTriggerItemButton((event) => {
      resolve(undefined);
      const chosen = event.item.failure ?? event.item.refusal;
      if (chosen) void run(chosen, event.button);
    });
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.hide();
  pick.dispose();
  if (chosen?.history) return ctx.showFailureHistory();
  const failure = chosen?.failure ?? chosen?.refusal;
  if (!chosen || !failure) return;
  // A refusal offers no bug report: the model declined, the API worked.
  const actions = failure.kind === 'refusal' ? [...(failure.requestId ? [COPY_ID] : []), OPEN_TRANSCRIPT] : buttonsFor(failure);
  const action = await vscode.window.showQuickPick(
    actions.map((button) => ({ label: button.tooltip, button })),
    { title: t('{0} (2/2)', chosen.label.replace(/^\$\([a-z-]+\)\s*/, '')), placeHolder: failure.wording ? t('Claude Code said: {0}', displayText(failure.wording)) : undefined },
  );
  if (action) await run(failure, action.button);
}

/** `Anthropic's outage · 1 failed request after 4 retries · 21:58:12–21:59:03`: what, how many requests, when. */
export function episodeHeading(family: EpisodeFamily, events: readonly ApiFailureEvent[], startAt: number, endAt: number, now: number): string {
  const retries = events.filter((event) => event.kind === 'retry').length;
  const span = `${localTime(startAt, now)}${endAt !== startAt ? `–${localTime(endAt, now)}` : ''}`;
  return `${describeEpisodeFamily(family)} · ${describeRequestCounts(events.length - retries, retries)} · ${span}`;
}

export function failureCommands(ctx: CommandContext) {
  return {
    [CommandId.showRecentFailures]: () => showRecentFailures(ctx),
    [CommandId.openTranscriptAtFailure]: (chosen?: ApiFailureEvent) => openTranscriptAtFailure(ctx, chosen),
    [CommandId.clearIndicator]: () => ctx.session.clear(),
  } satisfies Record<string, CommandHandler>;
}

/**
 * `$(error) 500 Internal server error`, `$(sync) 529 Overloaded · retry 3/10`, `$(error) Not logged
 * in`: the status and Claude Code's message, said once (the heading names the kind of trouble).
 */
export function failureLabel(failure: ApiFailureEvent): string {
  const icon = failure.kind === 'retry' ? '$(sync)' : '$(error)';
  const message = displayText(failure.message.replace(/^\d{3}\s*/, '')) || describeFailureClass(failure.failureClass);
  const what = failure.status !== null ? `${failure.status} ${message}` : message;
  const retry = failure.kind === 'retry' ? ` · retry ${failure.attempt ?? '?'}${failure.maxRetries !== null ? `/${failure.maxRetries}` : ''}` : '';
  return `${icon} ${what}${retry}`;
}

/** `2 min ago · 21:58:33`: the user's clock, in the one format of the headings and the tooltip. */
function failureTime(failure: ApiFailureEvent | ApiRefusalEvent, now: number): string {
  const at = failure.timestamp ? Date.parse(failure.timestamp) : NaN;
  if (!Number.isFinite(at)) return '';
  return `${formatRelativeTime(at, now)} · ${localTime(at, now)}`;
}

/** Claude Code's whole wording where it says more than the label, then where to find it. */
function failureDetail(failure: ApiFailureEvent | ApiRefusalEvent): string {
  const project = failure.cwd ? baseName(failure.cwd) : undefined;
  return displayText([failure.wording, failure.requestId ?? 'no request ID', project, failure.sessionId?.slice(0, 8)].filter(Boolean).join(' · '));
}
