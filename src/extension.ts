import * as vscode from 'vscode';

// Placeholder activation: the watcher, status bar and commands are wired here as they land.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Claude API Watch', { log: true });
  context.subscriptions.push(log);
  log.info('Claude API Watch activated');
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
