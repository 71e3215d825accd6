// The status item's click (and Enter): a quick pick of what can be done now, the most useful first.
// The same actions as the tooltip's links, so every one is reachable by keyboard.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import type { CommandContext, CommandHandler } from './context';

async function showActions(ctx: CommandContext): Promise<void> {
  const { view } = ctx.session.state;
  const picked = await vscode.window.showQuickPick(
    view.actions.map((action) => ({ label: action.title, action })),
    // Claude Code's own words where the short label leaves them out (a limit's reset, the advice).
    { title: view.accessibilityLabel, placeHolder: view.detail ? vscode.l10n.t('Claude Code said: {0}', view.detail) : vscode.l10n.t('What do you want to do?') },
  );
  if (picked) await vscode.commands.executeCommand(picked.action.command, ...(picked.action.args ?? []));
}

export function actionCommands(ctx: CommandContext) {
  return {
    [CommandId.showActions]: () => showActions(ctx),
  } satisfies Record<string, CommandHandler>;
}
