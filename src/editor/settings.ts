// The `claudeApiWatch.*` settings, read in one place and handed around as plain values.
import * as vscode from 'vscode';

export const SECTION = 'claudeApiWatch';

export interface WatchSettings {
  /** Empty: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. Machine scope: never from a workspace. */
  configDir: string;
  scope: 'workspace' | 'all';
  quietPeriodMs: number;
  lookbackMs: number;
  notifications: boolean;
  showWhenHealthy: boolean;
  issueRepository: string;
  anthropicStatusEnabled: boolean;
  anthropicStatusUrl: string;
  healthBaseUrl: string;
}

export function readSettings(): WatchSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const minutes = (key: string, fallback: number) => Math.max(1, config.get<number>(key, fallback)) * 60_000;
  return {
    configDir: config.get<string>('configDir', '').trim(),
    scope: config.get<string>('scope', 'workspace') === 'all' ? 'all' : 'workspace',
    quietPeriodMs: minutes('quietPeriodMinutes', 10),
    lookbackMs: Math.max(0, config.get<number>('lookbackHours', 24)) * 3_600_000,
    notifications: config.get<boolean>('notifications', true),
    showWhenHealthy: config.get<boolean>('statusBar.showWhenHealthy', true),
    issueRepository: config.get<string>('issueRepository', 'anthropics/claude-code').trim() || 'anthropics/claude-code',
    anthropicStatusEnabled: config.get<boolean>('anthropicStatus.enabled', true),
    anthropicStatusUrl: config.get<string>('anthropicStatus.url', '').trim() || 'https://status.claude.com/api/v2/summary.json',
    healthBaseUrl: config.get<string>('health.baseUrl', '').trim(),
  };
}

/** Calls `listener` with fresh settings whenever one of ours changes. */
export function onDidChangeSettings(listener: (settings: WatchSettings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener(readSettings());
  });
}
