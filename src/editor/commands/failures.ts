// Show Recent Failures, Open Transcript at Failure, Clear Indicator: what was seen, and where.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { describeFailureClass, formatRelativeTime } from '../../core/statusView';
import { baseName } from '../../core/paths';
import type { ApiFailureEvent } from '../../core/types';
import type { CommandContext, CommandHandler } from './context';
import { copyBugReport } from './reports';

const t = vscode.l10n.t;

export async function openTranscriptAtFailure(ctx: CommandContext, chosen?: ApiFailureEvent): Promise<void> {
  // The failure the status bar headlines, else the latest one seen.
  const failure = chosen ?? ctx.session.state.snapshot.failure ?? ctx.session.recentFailures(1)[0];
  if (!failure) {
    void vscode.window.showInformationMessage(t('No API failure seen yet.'));
    return;
  }
  const position = new vscode.Position(Math.max(0, failure.line - 1), 0);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(failure.file));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: true });
  // Claude Code's files are read-only to us.
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
}

async function showRecentFailures(ctx: CommandContext): Promise<void> {
  const failures = ctx.session.recentFailures(100);
  if (failures.length === 0) {
    void vscode.window.showInformationMessage(t('No Claude API failures seen in the last {0} hours.', Math.round(ctx.settings().lookbackMs / 3_600_000)));
    return;
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    failures.map((failure) => ({ label: failureLabel(failure), description: failureTime(failure, now), detail: failureDetail(failure), failure })),
    { title: t('Recent Claude API failures'), placeHolder: t('Choose a failure to copy its request ID or report, or open its transcript'), matchOnDetail: true, matchOnDescription: true },
  );
  if (!picked) return;
  const copyId = t('Copy Request ID');
  const copyReportAction = t('Copy Bug Report');
  const openTranscript = t('Open Transcript at This Line');
  const actions = picked.failure.requestId ? [copyId, copyReportAction, openTranscript] : [copyReportAction, openTranscript];
  const action = await vscode.window.showQuickPick(actions, { title: picked.label });
  if (action === copyId && picked.failure.requestId) {
    await vscode.env.clipboard.writeText(picked.failure.requestId);
    void vscode.window.showInformationMessage(t('Copied {0}', picked.failure.requestId));
  } else if (action === copyReportAction) {
    await copyBugReport(ctx, picked.failure);
  } else if (action === openTranscript) {
    await openTranscriptAtFailure(ctx, picked.failure);
  }
}

export function failureCommands(ctx: CommandContext) {
  return {
    [CommandId.showRecentFailures]: () => showRecentFailures(ctx),
    [CommandId.openTranscriptAtFailure]: (chosen?: ApiFailureEvent) => openTranscriptAtFailure(ctx, chosen),
    [CommandId.clearIndicator]: () => ctx.session.clear(),
  } satisfies Record<string, CommandHandler>;
}

function failureLabel(failure: ApiFailureEvent): string {
  const icon = failure.kind === 'retry' ? '$(sync)' : '$(error)';
  const what = failure.status !== null ? String(failure.status) : describeFailureClass(failure.failureClass);
  const retry = failure.kind === 'retry' ? ` · retry ${failure.attempt ?? '?'}/${failure.maxRetries ?? '?'}` : '';
  return `${icon} ${what} ${failure.message.replace(/^\d{3}\s*/, '')}${retry}`;
}

function failureTime(failure: ApiFailureEvent, now: number): string {
  const at = failure.timestamp ? Date.parse(failure.timestamp) : NaN;
  if (!Number.isFinite(at)) return '';
  return `${formatRelativeTime(at, now)} · ${new Date(at).toISOString().slice(11, 19)} UTC`;
}

function failureDetail(failure: ApiFailureEvent): string {
  const project = failure.cwd ? baseName(failure.cwd) : undefined;
  return [describeFailureClass(failure.failureClass), failure.requestId ?? 'no request ID', project, failure.sessionId?.slice(0, 8)]
    .filter(Boolean)
    .join(' · ');
}
