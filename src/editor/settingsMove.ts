// Settings still under their 0.1 names (`claudeApiWatch.*`): offered, once per profile, a move to
// `claudeAPIWatch.*`, and any time after through the Move Settings to Their New Names command (in
// the palette while a 0.1 name is set). Nothing is written unless the user asks; until then (or
// without it) the 0.1 values keep applying (settings.ts).
import * as vscode from 'vscode';
import {
  describeSettingMoves,
  LEGACY_SETTING_KEYS,
  LEGACY_SETTINGS_SECTION,
  legacyValueAt,
  planSettingMoves,
  SETTING_LEVELS,
  SETTINGS_SECTION,
  valueAt,
  type LegacySettingFound,
  type SettingLevel,
  type SettingMove,
} from '../core/settingNames';

/** globalState key: the offer was shown in this profile. */
export const MOVE_OFFERED_KEY = 'settingsRenameOffered';

const t = vscode.l10n.t;

const TARGETS: Record<SettingLevel, vscode.ConfigurationTarget> = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
};

/** Every 0.1 value set (user, workspace, and each folder of a multi-root workspace), beside the new name's value at the same level. */
export function findLegacySettings(): LegacySettingFound[] {
  const found: LegacySettingFound[] = [];
  const look = (scope: vscode.WorkspaceFolder | undefined, levels: readonly SettingLevel[]) => {
    const legacy = vscode.workspace.getConfiguration(LEGACY_SETTINGS_SECTION, scope?.uri);
    const current = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope?.uri);
    for (const key of LEGACY_SETTING_KEYS) {
      const old = legacy.inspect(key);
      for (const level of levels) {
        const legacyValue = legacyValueAt(key, old, level);
        if (legacyValue === undefined) continue;
        found.push({ key, level, ...(scope ? { folder: scope.name } : {}), legacyValue, currentValue: valueAt(current.inspect(key), level) });
      }
    }
  };
  look(undefined, SETTING_LEVELS.filter((level) => level !== 'workspaceFolder'));
  // A folder's own settings exist apart from the workspace's only in a multi-root workspace.
  if (vscode.workspace.workspaceFile) for (const folder of vscode.workspace.workspaceFolders ?? []) look(folder, ['workspaceFolder']);
  return found;
}

async function applyMove(move: SettingMove): Promise<void> {
  const folder = move.folder === undefined ? undefined : vscode.workspace.workspaceFolders?.find((candidate) => candidate.name === move.folder);
  const target = TARGETS[move.level];
  if (move.write) await vscode.workspace.getConfiguration(SETTINGS_SECTION, folder?.uri).update(move.key, move.write.value, target);
  const legacy = () => vscode.workspace.getConfiguration(LEGACY_SETTINGS_SECTION, folder?.uri);
  // A user value may sit in both the local and the remote user settings: each removal takes one.
  for (let attempt = 0; attempt < 2 && legacyValueAt(move.key, legacy().inspect(move.key), move.level) !== undefined; attempt++) {
    await legacy().update(move.key, undefined, target);
  }
}

/** Moves every 0.1 value to its new name; returns what was done, in words. */
export async function moveLegacySettings(): Promise<string> {
  const moves = planSettingMoves(findLegacySettings());
  for (const move of moves) await applyMove(move);
  return describeSettingMoves(moves);
}

export interface MoveOfferContext {
  globalState: vscode.Memento;
  log: MoveLog;
}

type MoveLog = { info(message: string): void; warn(message: string): void };

/**
 * Shows the offer when a 0.1 name is set and it was not shown in this profile before: at start-up
 * and whenever a 0.1 name changes (settings sync, a pasted settings.json). Returns the listener.
 */
export function offerSettingsMove(context: MoveOfferContext): vscode.Disposable {
  let showing = false;
  const maybeOffer = () => {
    if (showing || context.globalState.get<boolean>(MOVE_OFFERED_KEY)) return;
    if (findLegacySettings().length === 0) return;
    showing = true;
    void showOffer(context).finally(() => (showing = false));
  };
  maybeOffer();
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(LEGACY_SETTINGS_SECTION)) maybeOffer();
  });
}

async function showOffer(context: MoveOfferContext): Promise<void> {
  await context.globalState.update(MOVE_OFFERED_KEY, true);
  const move = t('Move Settings');
  const choice = await vscode.window.showInformationMessage(
    t(
      "Claude API Watch's settings are now named claudeAPIWatch.*. Yours under the 0.1 name claudeApiWatch.* keep working until you move them (later too: Move Settings to Their New Names in the Command Palette).",
    ),
    move,
  );
  if (choice === move) await moveAndTell(context.log);
}

/**
 * The Move Settings to Their New Names command: the offer's move, at any time. Says so when there
 * is nothing to move (the command can be run from a keybinding after the palette hid it).
 */
export async function moveLegacySettingsCommand(log: MoveLog): Promise<void> {
  if (findLegacySettings().length === 0) {
    void vscode.window.showInformationMessage(t('No Claude API Watch settings are left under the 0.1 names (claudeApiWatch.*): nothing to move.'));
    return;
  }
  await moveAndTell(log);
}

/** Moves every 0.1 value, says what moved (with Open Settings) or why it could not. */
async function moveAndTell(log: MoveLog): Promise<void> {
  try {
    const done = await moveLegacySettings();
    log.info(`Settings moved to the new names: ${done}`);
    const open = t('Open Settings');
    if ((await vscode.window.showInformationMessage(done, open)) === open) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${SETTINGS_SECTION}.`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`Moving settings to the new names failed: ${message}`);
    void vscode.window.showErrorMessage(t('Claude API Watch could not move its settings: {0}', message));
  }
}
