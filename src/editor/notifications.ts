// Shows the session's outage notices. The session decides when (once per established outage);
// this words the toast and offers what fits the trouble: Anthropic's outages can be reported,
// a network failure checked, a login or a plan limit is the user's own and nothing to file.
import * as vscode from 'vscode';
import { CommandId } from '../core/commandIds';
import { familyOf } from '../core/episodes';
import { backToWorkMessage, limitResetMessage, type ReturnNotice } from '../core/session/backToWork';
import type { OutageNotice, SessionNotice, SessionState, WatchSession } from '../core/session/watchSession';
import { resumeTargetIn } from './commands/resume';
import { displayText } from '../core/text/sanitize';

const t = vscode.l10n.t;

/** The notice's words and buttons (title → command). */
export function noticeContent(notice: OutageNotice): { message: string; actions: [string, string][] } {
  const { failure } = notice;
  // Claude Code's whole wording: a limit's reset time, the limit exceeded, what to do.
  const what = displayText(failure.wording ?? failure.message);
  switch (familyOf(failure.failureClass)) {
    case 'anthropic':
      return {
        message:
          notice.reason === 'retrying'
            ? t('Claude Code is still retrying after an API error: {0}', what)
            : t('Claude Code gave up after an API error: {0}', what),
        actions: [
          [t('Copy Bug Report'), CommandId.copyBugReport],
          [t('Search Existing Issues'), CommandId.searchExistingIssues],
        ],
      };
    case 'network':
      return { message: t('Claude Code cannot reach the API: {0}', what), actions: [[t('Check API Health'), CommandId.checkApiHealth]] };
    case 'auth':
      return {
        message: /\/login/.test(what) ? t('Claude Code needs you to log in again: {0}', what) : t('Claude Code needs you to log in again: {0}. Run /login in Claude Code.', what),
        actions: [],
      };
    case 'rate_limit':
      // Details are the limit's lines in Recent Failures: the whole wording, when, which session.
      return { message: t('Claude Code hit a limit: {0}', what), actions: [[t('Show Details'), CommandId.showRecentFailures]] };
    default:
      return { message: t('Claude Code API failure: {0}', what), actions: [[t('Copy Bug Report'), CommandId.copyBugReport], [t('Show Log'), CommandId.showLog]] };
  }
}

/**
 * Two buttons at most, so none is cut off in the toast; turning notifications off is the toast's
 * own gear menu, or the `claudeAPIWatch.notifications` setting. A "still retrying" notice is a
 * progress toast the session can end: it goes away by itself once it no longer holds (recovered,
 * interrupted, quiet, or Claude Code gave up, which is then told with its own buttons). An ordinary
 * toast cannot be withdrawn, and a stale "retrying" beside "recovered" is worse than none.
 */
export async function showOutageNotice(notice: OutageNotice, session: WatchSession): Promise<void> {
  const { message, actions } = noticeContent(notice);
  if (notice.reason === 'retrying') {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: message }, () => whileNoticeHolds(notice, session));
    return;
  }
  const show = notice.failure.failureClass === 'auth' || notice.failure.failureClass === 'rate_limit' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  const choice = await show(message, ...actions.map(([title]) => title));
  const command = actions.find(([title]) => title === choice)?.[1];
  if (command) await vscode.commands.executeCommand(command);
}

/** Resolves once the session's notice is no longer this one (or the session is gone). */
function whileNoticeHolds(notice: OutageNotice, session: WatchSession): Promise<void> {
  const holds = (state: SessionState) => state.notice?.key === notice.key && state.notice.reason === notice.reason;
  return new Promise((resolve) => {
    if (!holds(session.state)) return resolve();
    const subscription = session.onDidChange((state) => {
      if (holds(state)) return;
      subscription.dispose();
      resolve();
    });
  });
}

/** What a notice says and offers, whichever kind it is. */
export function contentOf(notice: SessionNotice): { message: string; actions: [string, string][] } {
  return notice.reason === 'limitReset' || notice.reason === 'backToWork' ? returnNoticeContent(notice) : noticeContent(notice);
}

/** Any of the session's notices, each the way it is shown. */
export function showNotice(notice: SessionNotice, session: WatchSession): Promise<void> {
  return notice.reason === 'limitReset' || notice.reason === 'backToWork' ? showReturnNotice(notice) : showOutageNotice(notice, session);
}

/** The words and buttons of a limit reset or of the API's return: Resume Session where the session can be resumed from here. */
export function returnNoticeContent(notice: ReturnNotice): { message: string; actions: [string, string][] } {
  const message = displayText(notice.reason === 'limitReset' ? limitResetMessage(notice) : backToWorkMessage(notice));
  return { message, actions: resumeTargetIn(notice.failure) ? [[t('Resume Session'), CommandId.resumeSession]] : [] };
}

/** Good news, so an information toast; Resume Session runs only on the click. */
async function showReturnNotice(notice: ReturnNotice): Promise<void> {
  const { message, actions } = returnNoticeContent(notice);
  const choice = await vscode.window.showInformationMessage(message, ...actions.map(([title]) => title));
  const command = actions.find(([title]) => title === choice)?.[1];
  if (command) await vscode.commands.executeCommand(command, notice.failure);
}
