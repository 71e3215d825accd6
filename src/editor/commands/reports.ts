// Copy Bug Report, Open GitHub Issue, Search Existing Issues: the report is built by the core.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { canFileReport, NO_FAILURES_SEEN, nothingToFileReason } from '../../core/statusView';
import { buildIssueSearchUrl, buildIssueUrl } from '../../core/report/issueUrl';
import type { BugReport } from '../../core/report/report';
import { asFailureEvent, type ApiFailureEvent } from '../../core/types';
import { openUrl, type CommandContext, type CommandHandler } from './context';

const t = vscode.l10n.t;

/**
 * The report, or why there is none: nothing seen, or nothing to file (a login, a limit, the user's
 * network: the status item's rule, kept here for the palette, keybindings and notifications).
 */
async function reportOrExplain(ctx: CommandContext, chosen?: ApiFailureEvent): Promise<BugReport | undefined> {
  const about = ctx.reports.subject(chosen);
  if (!about) {
    void vscode.window.showInformationMessage(t(NO_FAILURES_SEEN));
    return undefined;
  }
  if (!canFileReport(about.subject)) {
    ctx.log.info(`Nothing to file for a ${about.subject.failureClass} failure: no report built`);
    void explainNothingToFile(about.subject);
    return undefined;
  }
  const report = await ctx.reports.build(chosen);
  if (!report) void vscode.window.showInformationMessage(t(NO_FAILURES_SEEN));
  return report;
}

async function explainNothingToFile(failure: ApiFailureEvent): Promise<void> {
  const check = t('Check API Health');
  const choice = await vscode.window.showInformationMessage(
    t(nothingToFileReason(failure)),
    ...(failure.failureClass === 'network' ? [check] : []),
  );
  if (choice === check) await vscode.commands.executeCommand(CommandId.checkApiHealth);
}

async function copyReport(ctx: CommandContext, report: BugReport): Promise<void> {
  await vscode.env.clipboard.writeText(report.markdown);
  ctx.log.info(`Copied a bug report (${report.requestIds.length} request IDs): ${report.title}`);
}

/**
 * The longest issue URL the editor opens. Editors that do not trust github.com (code-server, the
 * forks) ask first, showing the whole URL string in their dialog: 3,600 characters made it taller
 * than a 657 px window, Open and Cancel below its edge. This many fit with room to spare, and
 * still pre-fill every field (the longest ones cut, saying the whole report is on the clipboard,
 * where it always is before the form opens). The CLI prints the full-length URL.
 */
export const EDITOR_ISSUE_URL_MAX = 1_800;

async function openIssue(ctx: CommandContext, report: BugReport): Promise<void> {
  const { url, trimmed } = buildIssueUrl(report, { repository: ctx.settings().issueRepository, maxLength: EDITOR_ISSUE_URL_MAX });
  ctx.log.info(`Opening the issue form (${url.length} characters${trimmed ? ', trimmed; the full report is on the clipboard' : ''})`);
  await openUrl(url);
}

export async function copyBugReport(ctx: CommandContext, chosen?: ApiFailureEvent): Promise<void> {
  const report = await reportOrExplain(ctx, chosen);
  if (!report) return;
  await copyReport(ctx, report);
  const open = t('Open GitHub Issue');
  const show = t('Show Report');
  const search = t('Search Existing Issues');
  const ids = report.requestIds.length;
  // Searching first: an existing issue is where this report helps most.
  const choice = await vscode.window.showInformationMessage(
    ids > 0
      ? t('Bug report copied to the clipboard, with {0} request ID(s).', ids)
      : t('Bug report copied to the clipboard (no request ID was recorded for this failure).'),
    search,
    show,
    open,
  );
  if (choice === open) await openIssue(ctx, report);
  else if (choice === show) await ctx.reportDocuments.show(report);
  else if (choice === search) await openUrl(buildIssueSearchUrl(report, { repository: ctx.settings().issueRepository }));
}

export function reportCommands(ctx: CommandContext) {
  return {
    [CommandId.copyBugReport]: (chosen?: unknown) => copyBugReport(ctx, asFailureEvent(chosen)),
    [CommandId.openGitHubIssue]: async (chosen?: unknown) => {
      const report = await reportOrExplain(ctx, asFailureEvent(chosen));
      if (!report) return;
      // The URL may be trimmed to fit GitHub's limit: the whole report goes to the clipboard first.
      await copyReport(ctx, report);
      await openIssue(ctx, report);
    },
    [CommandId.searchExistingIssues]: async (chosen?: unknown) => {
      const report = await reportOrExplain(ctx, asFailureEvent(chosen));
      if (report) await openUrl(buildIssueSearchUrl(report, { repository: ctx.settings().issueRepository }));
    },
  } satisfies Record<string, CommandHandler>;
}
