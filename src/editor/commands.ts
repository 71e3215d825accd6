// Every command the extension contributes, registered in one place. Handlers are thin: the
// report, the URL and the health check are built by the core.
import * as vscode from 'vscode';
import { CommandId } from '../core/commandIds';
import { checkApiHealth, headlineHealth, healthCheckApplies, resolveHealthTarget, summarizeHealth, type ApiHealthResult } from '../core/health/apiHealth';
import { buildIssueSearchUrl, buildIssueUrl } from '../core/report/issueUrl';
import type { BugReport } from '../core/report/report';
import { describeFailureClass, formatRelativeTime } from '../core/statusView';
import type { ApiFailureEvent } from '../core/types';
import type { BugReports } from './bugReports';
import type { WatchSettings } from './settings';

const API_KEY_SECRET = 'claudeApiWatch.anthropicApiKey';
const ANTHROPIC_STATUS_PAGE = 'https://status.claude.com';

export interface CommandHost {
  readonly log: vscode.LogOutputChannel;
  readonly reports: BugReports;
  readonly secrets: vscode.SecretStorage;
  readonly extensionId: string;
  readonly bugsUrl: string;
  settings(): WatchSettings;
  recentFailures(limit: number): ApiFailureEvent[];
  currentFailure(): ApiFailureEvent | null;
  clearIndicator(): void;
  recordHealth(result: ApiHealthResult): void;
}

/** `openExternal` is given the string itself: a Uri.parse round trip double-encodes `%23` and `+`. */
function openUrl(url: string): Thenable<boolean> {
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}

export function registerCommands(host: CommandHost): vscode.Disposable[] {
  const { log } = host;
  const t = vscode.l10n.t;

  async function reportOrExplain(chosen?: ApiFailureEvent): Promise<BugReport | undefined> {
    const report = await host.reports.build(chosen);
    if (!report) void vscode.window.showInformationMessage(t('Claude API Watch has not seen an API failure yet: there is nothing to report.'));
    return report;
  }

  async function copyReport(report: BugReport): Promise<void> {
    await vscode.env.clipboard.writeText(report.markdown);
    log.info(`Copied a bug report (${report.requestIds.length} request IDs): ${report.title}`);
  }

  async function openIssue(report: BugReport): Promise<void> {
    const { url, trimmed } = buildIssueUrl(report, { repository: host.settings().issueRepository });
    log.info(`Opening the issue form (${url.length} characters${trimmed ? ', trimmed; the full report is on the clipboard' : ''})`);
    await openUrl(url);
  }

  async function showReport(report: BugReport): Promise<void> {
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: report.markdown });
    await vscode.window.showTextDocument(document, { preview: false });
  }

  async function copyBugReport(chosen?: ApiFailureEvent): Promise<void> {
    const report = await reportOrExplain(chosen);
    if (!report) return;
    await copyReport(report);
    const open = t('Open GitHub Issue');
    const show = t('Show Report');
    const search = t('Search Existing Issues');
    const ids = report.requestIds.length;
    const choice = await vscode.window.showInformationMessage(
      ids > 0
        ? t('Bug report copied to the clipboard, with {0} request ID(s).', ids)
        : t('Bug report copied to the clipboard (no request ID was recorded for this failure).'),
      open,
      show,
      search,
    );
    if (choice === open) await openIssue(report);
    else if (choice === show) await showReport(report);
    else if (choice === search) await openUrl(buildIssueSearchUrl(report, { repository: host.settings().issueRepository }));
  }

  async function openGitHubIssue(chosen?: ApiFailureEvent): Promise<void> {
    const report = await reportOrExplain(chosen);
    if (!report) return;
    // The URL may be trimmed to fit GitHub's limit: the whole report goes to the clipboard first.
    await copyReport(report);
    await openIssue(report);
  }

  async function searchExistingIssues(): Promise<void> {
    const report = await reportOrExplain();
    if (report) await openUrl(buildIssueSearchUrl(report, { repository: host.settings().issueRepository }));
  }

  async function openTranscriptAtFailure(chosen?: ApiFailureEvent): Promise<void> {
    // The failure the status bar headlines, else the latest one seen.
    const failure = chosen ?? host.currentFailure() ?? host.recentFailures(1)[0];
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

  async function showRecentFailures(): Promise<void> {
    const failures = host.recentFailures(100);
    if (failures.length === 0) {
      void vscode.window.showInformationMessage(t('No Claude API failures seen in the last {0} hours.', Math.round(host.settings().lookbackMs / 3_600_000)));
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
      await copyBugReport(picked.failure);
    } else if (action === openTranscript) {
      await openTranscriptAtFailure(picked.failure);
    }
  }

  async function checkHealth(): Promise<ApiHealthResult | undefined> {
    const settings = host.settings();
    const caveat = healthCheckApplies(process.env);
    const target = resolveHealthTarget(process.env, settings.healthBaseUrl || null);
    const apiKey = (await host.secrets.get(API_KEY_SECRET)) ?? process.env.ANTHROPIC_API_KEY ?? null;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Checking the Anthropic API at {0}…', target.baseURL) },
      () => checkApiHealth({ baseURL: target.baseURL, apiKey }),
    );
    host.recordHealth(result);
    log.info(`Health check: ${summarizeHealth(result)}`);
    const line = `${headlineHealth(result)}${result.requestId ? ` (${result.requestId})` : ''}`;
    const message = caveat ? `${line}. ${caveat}` : line;
    const show = result.verdict === 'up' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(message);
    return result;
  }

  async function storeApiKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: t('Anthropic API key for health checks'),
      prompt: t('Kept in the editor\'s secret storage, never in settings. Used only by "Check API Health".'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim().length < 10 ? t('That does not look like an API key.') : undefined),
    });
    if (!key) return;
    await host.secrets.store(API_KEY_SECRET, key.trim());
    void vscode.window.showInformationMessage(t('API key stored for health checks.'));
  }

  async function clearApiKey(): Promise<void> {
    await host.secrets.delete(API_KEY_SECRET);
    void vscode.window.showInformationMessage(t('Stored API key forgotten.'));
  }

  async function reportExtensionProblem(): Promise<void> {
    try {
      await vscode.commands.executeCommand('workbench.action.openIssueReporter', { extensionId: host.extensionId });
    } catch {
      // Some forks have no issue reporter.
      await openUrl(`${host.bugsUrl.replace(/\/$/, '')}/new`);
    }
  }

  const handlers: Record<string, (...args: never[]) => unknown> = {
    [CommandId.copyBugReport]: copyBugReport,
    [CommandId.openGitHubIssue]: openGitHubIssue,
    [CommandId.searchExistingIssues]: searchExistingIssues,
    [CommandId.showRecentFailures]: showRecentFailures,
    [CommandId.openTranscriptAtFailure]: openTranscriptAtFailure,
    [CommandId.showLog]: () => log.show(),
    [CommandId.clearIndicator]: () => host.clearIndicator(),
    [CommandId.openAnthropicStatus]: () => openUrl(ANTHROPIC_STATUS_PAGE),
    [CommandId.checkApiHealth]: checkHealth,
    [CommandId.storeApiKey]: storeApiKey,
    [CommandId.clearApiKey]: clearApiKey,
    [CommandId.reportExtensionProblem]: reportExtensionProblem,
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        // A command never takes the extension host down; the user gets one clear line.
        log.error(`Command ${id} failed`, error);
        void vscode.window.showErrorMessage(t('Claude API Watch: {0}', error instanceof Error ? error.message : String(error)));
        return undefined;
      }
    }),
  );
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
  const project = failure.cwd ? failure.cwd.split(/[\\/]/).filter(Boolean).pop() : undefined;
  return [describeFailureClass(failure.failureClass), failure.requestId ?? 'no request ID', project, failure.sessionId?.slice(0, 8)]
    .filter(Boolean)
    .join(' · ');
}
