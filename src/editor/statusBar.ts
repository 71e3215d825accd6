// Puts the pure StatusView on the one status-bar item. All decisions live in core/statusView.
import * as vscode from 'vscode';
import { CommandId } from '../core/commandIds';
import { SETTINGS_COMMANDS, type StatusView } from '../core/statusView';

/** Our own commands, and the settings editor that "Not watching" opens (the User or the Remote tab). */
const TOOLTIP_COMMANDS = [...Object.values(CommandId), ...SETTINGS_COMMANDS];

export class StatusBarController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('claudeApiWatch.status', vscode.StatusBarAlignment.Left, 100);
  constructor() {
    this.item.name = vscode.l10n.t('Claude API Watch');
  }

  show(view: StatusView): void {
    const item = this.item;
    item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltipMarkdown, true);
    // Only our own commands may run from the tooltip; transcript text in it is escaped by the view.
    tooltip.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
    item.tooltip = tooltip;
    item.command = view.command;
    item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    if (view.severity === 'error') {
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      item.color = new vscode.ThemeColor('statusBarItem.errorForeground');
    } else if (view.severity === 'warning') {
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      item.color = new vscode.ThemeColor('statusBarItem.warningForeground');
    } else {
      item.backgroundColor = undefined;
      item.color = undefined;
    }
    if (view.visible) item.show();
    else item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
