// The `claudeApiWatch.*` settings, read in one place and handed around as plain values.
import * as vscode from 'vscode';
import { DEFAULT_REPOSITORY, validRepository } from '../core/report/issueUrl';
import { DEFAULT_NOTIFY_AFTER_ATTEMPTS, DEFAULT_NOTIFY_AFTER_MS, type NotifyLevel, type SessionSettings } from '../core/session/watchSession';

export const SECTION = 'claudeApiWatch';

export interface WatchSettings extends SessionSettings {
  issueRepository: string;
}

const NOTIFY_LEVELS: readonly NotifyLevel[] = ['off', 'onFailure', 'onPersistentRetries'];

/** The level, also from the on/off values of 0.1 (`true`: the default level, `false`: off). */
function notifyLevel(value: unknown): NotifyLevel {
  if (value === false) return 'off';
  return NOTIFY_LEVELS.includes(value as NotifyLevel) ? (value as NotifyLevel) : 'onPersistentRetries';
}

/** Where invalid values are said (once each). */
export interface SettingsLog {
  warn(message: string): void;
}

export function readSettings(log?: SettingsLog): WatchSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const minutes = (key: string, fallback: number) => Math.max(1, config.get<number>(key, fallback)) * 60_000;
  return {
    configDir: config.get<string>('configDir', '').trim(),
    scope: config.get<string>('scope', 'workspace') === 'all' ? 'all' : 'workspace',
    quietPeriodMs: minutes('quietPeriodMinutes', 10),
    lookbackMs: Math.max(0, config.get<number>('lookbackHours', 24)) * 3_600_000,
    notify: notifyLevel(config.get<unknown>('notifications')),
    notifyAfterAttempts: Math.max(1, config.get<number>('notifyAfterRetries', DEFAULT_NOTIFY_AFTER_ATTEMPTS)),
    notifyAfterMs: Math.max(0, config.get<number>('notifyAfterSeconds', DEFAULT_NOTIFY_AFTER_MS / 1000)) * 1000,
    showWhenHealthy: config.get<boolean>('statusBar.showWhenHealthy', true),
    issueRepository: issueRepository(config.get<unknown>('issueRepository'), log),
    anthropicStatusEnabled: config.get<boolean>('anthropicStatus.enabled', true),
    anthropicStatusUrl: config.get<string>('anthropicStatus.url', '').trim() || 'https://status.claude.com/api/v2/summary.json',
    healthBaseUrl: config.get<string>('health.baseUrl', '').trim(),
  };
}

/** Calls `listener` with fresh settings whenever one of ours changes. */
export function onDidChangeSettings(listener: (settings: WatchSettings) => void, log?: SettingsLog): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener(readSettings(log));
  });
}

let warnedRepository: unknown = undefined;

/**
 * Where reports go: the user's own setting (application scope, restricted in untrusted
 * workspaces), validated on every read; anything but `owner/name` is the default, said once.
 */
function issueRepository(value: unknown, log: SettingsLog | undefined): string {
  if (value === undefined || value === '') return DEFAULT_REPOSITORY;
  const valid = validRepository(value);
  if (valid) return valid;
  if (warnedRepository !== value) {
    warnedRepository = value;
    log?.warn(`claudeApiWatch.issueRepository ${JSON.stringify(String(value).slice(0, 200))} is not a GitHub owner/name: using ${DEFAULT_REPOSITORY}`);
  }
  return DEFAULT_REPOSITORY;
}
