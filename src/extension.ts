import * as vscode from 'vscode';
import { startClaudeApiWatch, type ClaudeApiWatchApi } from './editor/claudeApiWatch';

export function activate(context: vscode.ExtensionContext): ClaudeApiWatchApi | undefined {
  try {
    return startClaudeApiWatch(context);
  } catch (error) {
    // Never take the extension host down: say what failed.
    void vscode.window.showErrorMessage(vscode.l10n.t('Claude API Watch could not start: {0}', String(error)));
    return undefined;
  }
}

export function deactivate(): void {
  // Everything started is disposed through context.subscriptions.
}
