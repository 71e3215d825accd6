import * as vscode from 'vscode';
import { ClaudeApiWatch, type ClaudeApiWatchApi } from './editor/claudeApiWatch';

export function activate(context: vscode.ExtensionContext): ClaudeApiWatchApi {
  const watch = new ClaudeApiWatch(context);
  context.subscriptions.push(watch);
  try {
    watch.start();
    watch.log.info(`Claude API Watch ${context.extension.packageJSON.version} activated`);
  } catch (error) {
    // Never take the extension host down: say what failed and keep the commands usable.
    watch.log.error('Claude API Watch failed to start', error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Claude API Watch could not start: {0}', String(error)));
  }
  return watch.api;
}

export function deactivate(): void {
  // ClaudeApiWatch is disposed through context.subscriptions.
}
