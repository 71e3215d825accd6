// Show Report: the report as a read-only virtual Markdown document with a clean title, never a
// dirty Untitled buffer that asks to be saved. Its editor title bar offers Copy, Search and Open Issue.
import * as vscode from 'vscode';
import type { BugReport } from '../core/report/report';

export const REPORT_SCHEME = 'claude-api-watch-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens (or refreshes) the one report document. */
  async show(report: BugReport): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Claude API Bug Report.md' });
    this.contents.set(uri.toString(), report.markdown);
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
