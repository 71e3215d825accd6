// Shows the session's outage notices. The session decides when (once per established outage);
// this only words the toast and runs the chosen action.
import * as vscode from 'vscode';
import { CommandId } from '../core/commandIds';
import type { OutageNotice } from '../core/session/watchSession';
import { turnNotificationsOff } from './settings';

export async function showOutageNotice(notice: OutageNotice): Promise<void> {
  const t = vscode.l10n.t;
  const copy = t('Copy Bug Report');
  const open = t('Open GitHub Issue');
  const mute = t("Don't Show Again");
  const { failure } = notice;
  const message =
    notice.reason === 'retrying'
      ? t('Claude Code is still retrying after an API error: {0}', failure.message)
      : t('Claude Code API failure: {0}', failure.message);
  const choice = await vscode.window.showWarningMessage(message, copy, open, mute);
  if (choice === copy) await vscode.commands.executeCommand(CommandId.copyBugReport);
  else if (choice === open) await vscode.commands.executeCommand(CommandId.openGitHubIssue);
  else if (choice === mute) await turnNotificationsOff();
}
