// Copy Bug Report, Open GitHub Issue, Search Existing Issues: the report is built by the core.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { NO_FAILURES_SEEN } from '../../core/statusView';
import { buildIssueSearchUrl, buildIssueUrl } from '../../core/report/issueUrl';
import type { BugReport } from '../../core/report/report';
import { asFailureEvent, type ApiFailureEvent } from '../../core/types';
import { openUrl, type CommandContext, type CommandHandler } from './context';

const t = vscode.l10n.t;

async function reportOrExplain(ctx: CommandContext, chosen?: ApiFailureEvent): Promise<BugReport | undefined> {
  const report = await ctx.reports.build(chosen);
  if (!report) void vscode.window.showInformationMessage(t(NO_FAILURES_SEEN));
  return report;
}

async function copyReport(ctx: CommandContext, report: BugReport): Promise<void> {
  await vscode.env.clipboard.writeText(report.markdown);
  ctx.log.info(`Copied a bug report (${report.requestIds.length} request IDs): ${report.title}`);
}

async function openIssue(ctx: CommandContext, report: BugReport): Promise<void> {
  const { url, trimmed } = buildIssueUrl(report, { repository: ctx.settings().issueRepository });
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
    [CommandId.searchExistingIssues]: async () => {
      const report = await reportOrExplain(ctx);
      if (report) await openUrl(buildIssueSearchUrl(report, { repository: ctx.settings().issueRepository }));
    },
  } satisfies Record<string, CommandHandler>;
}
