// Run Diagnostics and Report Unknown Transcript Format: what the monitor sees, and what it cannot read.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { legacySettingName, settingName } from '../../core/settingNames';
import { openUrl, type CommandContext, type CommandHandler } from './context';

const t = vscode.l10n.t;

/** The diagnostics as the extension sees them, redacted, in a read-only Markdown document. */
async function showDiagnostics(ctx: CommandContext): Promise<void> {
  const settings = ctx.settings();
  const { session } = ctx;
  const lastLineAt = session.state.watching.lastLineAt;
  const homedir = os.homedir();
  const { renderDoctorMarkdown, runDiagnostics } = await import('../lazy/reporting.js');
  const report = await runDiagnostics({
    configDirs: [...session.configDirs],
    explicitSource: settings.configDir.trim() ? configDirSource(settings.legacyKeys) : null,
    env: process.env,
    homedir,
    platform: process.platform,
    now: new Date(),
    lookbackMs: settings.lookbackMs,
    anthropicStatusEnabled: settings.anthropicStatusEnabled,
    healthBaseUrl: settings.healthBaseUrl || null,
    live: { lastLineReadAt: lastLineAt === null ? null : new Date(lastLineAt).toISOString(), canary: session.formatCanary() },
  });
  const markdown = await renderDoctorMarkdown(report, { homedir, username: safeUsername() }, ctx.extensionVersion);
  ctx.log.info(`Diagnostics: ${report.transcripts.files} transcripts, ${report.unknownShapes.unknownLines} unreadable error lines`);
  const document = await vscode.workspace.openTextDocument(DiagnosticsDocument.uri(markdown));
  await vscode.languages.setTextDocumentLanguage(document, 'markdown');
  await vscode.window.showTextDocument(document, { preview: false });
  // A provider's document is not saved anywhere; this also keeps typing out of it.
  await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession').then(undefined, () => undefined);
}

/** Which setting named the config dir: its 0.1 name says so, since that is the one in the user's settings.json. */
function configDirSource(legacyKeys: readonly string[]): string {
  return legacyKeys.includes('configDir')
    ? `the ${legacySettingName('configDir')} setting (the 0.1 name of ${settingName('configDir')})`
    : `the ${settingName('configDir')} setting`;
}

function safeUsername(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** Read-only documents whose content travels in the URI's query: nothing to save, nothing to edit. */
export class DiagnosticsDocument implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'claude-api-watch-diagnostics';
  private static counter = 0;
  private static readonly contents = new Map<string, string>();

  static uri(content: string): vscode.Uri {
    const key = String(++DiagnosticsDocument.counter);
    DiagnosticsDocument.contents.set(key, content);
    // Keep the last few: an older tab shows its text until closed, then it is gone.
    for (const old of DiagnosticsDocument.contents.keys()) if (DiagnosticsDocument.contents.size > 5) DiagnosticsDocument.contents.delete(old);
    return vscode.Uri.from({ scheme: DiagnosticsDocument.scheme, path: `Claude API Watch diagnostics ${key}.md`, query: key });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return DiagnosticsDocument.contents.get(uri.query) ?? '(closed: run Claude API Watch: Run Diagnostics again)';
  }
}

async function reportUnknownFormat(ctx: CommandContext): Promise<void> {
  const snapshot = ctx.session.formatCanary();
  if (snapshot.unknownLines === 0) {
    void vscode.window.showInformationMessage(t('Claude API Watch has read every API error line it has seen: there is no unknown transcript format to report.'));
    return;
  }
  const { buildFormatIssueUrl } = await import('../lazy/reporting.js');
  const url = buildFormatIssueUrl(snapshot, { bugsUrl: ctx.bugsUrl, extensionVersion: ctx.extensionVersion });
  if (!url) {
    ctx.log.warn(`Cannot build an issue URL from bugs.url ${ctx.bugsUrl}`);
    return;
  }
  ctx.log.info(`Opening this project's issue form for ${snapshot.shapes.length} unknown transcript shapes (${url.length} characters)`);
  await openUrl(url);
}

export function diagnosticsCommands(ctx: CommandContext) {
  return {
    [CommandId.runDiagnostics]: () => showDiagnostics(ctx),
    [CommandId.reportUnknownFormat]: () => reportUnknownFormat(ctx),
  } satisfies Record<string, CommandHandler>;
}
