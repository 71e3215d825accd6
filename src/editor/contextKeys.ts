// Context keys, so the palette offers a command only when it can do something (package.json's
// `menus.commandPalette` `when` clauses name them).
import * as vscode from 'vscode';
import { LEGACY_SETTINGS_SECTION } from '../core/settingNames';
import type { WatchSession } from '../core/session/watchSession';
import { API_KEY_SECRET } from './commands/health';
import { findLegacySettings } from './settingsMove';

export const ContextKey = {
  /** A failure was seen (within the lookback): there is something to report, list or open. */
  hasFailure: 'claudeApiWatch.hasFailure',
  /** What a report would be about is something to file (not a login, a limit or the user's network). */
  canFileReport: 'claudeApiWatch.canFileReport',
  /** The item shows a failure, a retry or a recovery: Clear Indicator does something visible. */
  showingFailure: 'claudeApiWatch.showingFailure',
  /** A key for health checks is stored: Forget Stored Key does something. */
  hasStoredKey: 'claudeApiWatch.hasStoredKey',
  /** A value is set under a 0.1 name (claudeApiWatch.*): Move Settings to Their New Names has work. */
  hasLegacySettings: 'claudeApiWatch.hasLegacySettings',
} as const;

/** Keeps the keys in step with the session and the secret store; the values set, for tests. */
export function trackContextKeys(
  session: WatchSession,
  secrets: vscode.SecretStorage,
  canFileReport: () => boolean,
): vscode.Disposable & { values: Map<string, boolean> } {
  const values = new Map<string, boolean>();
  const set = (key: string, value: boolean) => {
    if (values.get(key) === value) return;
    values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  const fromSession = () => {
    const { snapshot } = session.state;
    set(ContextKey.hasFailure, session.recentFailures(1).length > 0);
    set(ContextKey.canFileReport, canFileReport());
    set(ContextKey.showingFailure, snapshot.state !== 'healthy');
  };
  const fromSecrets = () => void secrets.get(API_KEY_SECRET).then((key) => set(ContextKey.hasStoredKey, !!key));
  const fromSettings = () => set(ContextKey.hasLegacySettings, findLegacySettings().length > 0);
  fromSession();
  fromSecrets();
  fromSettings();
  const subscriptions = [
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(LEGACY_SETTINGS_SECTION)) fromSettings();
    }),
    session.onDidChange(fromSession),
    secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) fromSecrets();
    }),
  ];
  return { values, dispose: () => subscriptions.forEach((s) => s.dispose()) };
}
