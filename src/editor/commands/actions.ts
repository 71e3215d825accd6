// The status item's click (and Enter): a quick pick of what can be done now, the most useful first,
// grouped and with icons. The same actions as the tooltip's links, so every one is reachable by
// keyboard. Claude Code's own words come first, as rows that can be read whole: a placeholder is
// cut to one line, and its hover covered the first items.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { ACTION_GROUP_TITLES, wrapText, type StatusAction } from '../../core/statusView';
import type { CommandContext, CommandHandler } from './context';

const t = vscode.l10n.t;

/** Characters in a row of the quick pick at its narrowest (a 1280 px window), so no row is cut. */
export const WORDING_ROW_WIDTH = 72;
/** Rows of Claude Code's wording at most; the tooltip and Recent Failures have the rest. */
const WORDING_ROWS = 4;

type ActionItem = vscode.QuickPickItem & { action?: StatusAction; wording?: string };

/** The click menu's items: Claude Code's words (when there are any), then the actions under their groups' headings. */
export function actionItems(actions: readonly StatusAction[], detail: string | null): ActionItem[] {
  const items: ActionItem[] = [];
  if (detail) {
    items.push({ kind: vscode.QuickPickItemKind.Separator, label: t('Claude Code said') });
    const rows = wrapText(detail, WORDING_ROW_WIDTH);
    const shown = rows.length > WORDING_ROWS ? [...rows.slice(0, WORDING_ROWS - 1), `${rows[WORDING_ROWS - 1]}…`] : rows;
    // Choosing one copies the words (the heading says whose they are; the rows are not actions to look for).
    shown.forEach((row, i) => items.push({ label: `${i === 0 ? '$(quote)' : '$(blank)'} ${row}`, wording: detail }));
  }
  let group: string | undefined;
  for (const action of actions) {
    if (action.group && action.group !== group) {
      group = action.group;
      items.push({ kind: vscode.QuickPickItemKind.Separator, label: t(ACTION_GROUP_TITLES[action.group]) });
    }
    items.push({ label: `${action.icon ? `$(${action.icon}) ` : ''}${t(action.title)}`, description: action.description ? t(action.description) : undefined, action });
  }
  return items;
}

async function showActions(ctx: CommandContext): Promise<void> {
  const { view } = ctx.session.state;
  const pick = vscode.window.createQuickPick<ActionItem>();
  pick.title = view.title;
  pick.placeholder = t('Choose what to do');
  pick.matchOnDescription = true;
  pick.items = actionItems(view.actions, view.detail);
  // Enter runs the most useful action, not the copy of the words above it.
  const first = pick.items.find((item) => item.action);
  if (first) pick.activeItems = [first];
  const picked = await new Promise<ActionItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.hide();
  pick.dispose();
  if (picked?.wording) {
    await vscode.env.clipboard.writeText(picked.wording);
    void vscode.window.showInformationMessage(t("Copied Claude Code's message."));
  } else if (picked?.action) {
    await vscode.commands.executeCommand(picked.action.command, ...(picked.action.args ?? []));
  }
}

export function actionCommands(ctx: CommandContext) {
  return {
    [CommandId.showActions]: () => showActions(ctx),
  } satisfies Record<string, CommandHandler>;
}
