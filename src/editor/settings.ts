// The `claudeAPIWatch.*` settings, read in one place and handed around as plain values. A value
// set under its 0.1 name (`claudeApiWatch.*`) still applies where the new name is not set.
import * as vscode from 'vscode';
import { DEFAULT_REPOSITORY, validRepository } from '../core/report/issueUrl';
import { DEFAULT_NOTIFY_AFTER_ATTEMPTS, DEFAULT_NOTIFY_AFTER_MS, type NotifyLevel, type SessionSettings } from '../core/session/watchSession';
import { isLegacySettingKey, LEGACY_SETTINGS_SECTION, resolveSetting, settingName, SETTINGS_SECTION } from '../core/settingNames';

export interface WatchSettings extends SessionSettings {
  issueRepository: string;
  /** The settings whose value came from a 0.1 name (`claudeApiWatch.<key>`). */
  legacyKeys: string[];
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
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const legacy = vscode.workspace.getConfiguration(LEGACY_SETTINGS_SECTION);
  const legacyKeys: string[] = [];
  /** The value that applies (from the new name, else the 0.1 name at the same level), if it has the fallback's type. */
  function get(key: string, fallback: string): string;
  function get(key: string, fallback: number): number;
  function get(key: string, fallback: boolean): boolean;
  function get(key: string): unknown;
  function get(key: string, fallback?: string | number | boolean): unknown {
    const current = config.get<unknown>(key);
    const resolved = isLegacySettingKey(key) ? resolveSetting(key, current, config.inspect(key), legacy.inspect(key)) : { value: current, legacyLevel: null };
    if (resolved.legacyLevel) legacyKeys.push(key);
    if (fallback === undefined) return resolved.value;
    return typeof resolved.value === typeof fallback ? resolved.value : fallback;
  }
  const minutes = (key: string, fallback: number) => Math.max(1, get(key, fallback)) * 60_000;
  return {
    configDir: get('configDir', '').trim(),
    scope: get('scope', 'workspace') === 'all' ? 'all' : 'workspace',
    quietPeriodMs: minutes('quietPeriodMinutes', 10),
    lookbackMs: Math.max(0, get('lookbackHours', 24)) * 3_600_000,
    notify: notifyLevel(get('notifications')),
    notifyAfterAttempts: Math.max(1, get('notifyAfterRetries', DEFAULT_NOTIFY_AFTER_ATTEMPTS)),
    notifyAfterMs: Math.max(0, get('notifyAfterSeconds', DEFAULT_NOTIFY_AFTER_MS / 1000)) * 1000,
    showWhenHealthy: get('statusBar.showWhenHealthy', true),
    notifyBackToWork: get('notifyBackToWork', true),
    issueRepository: issueRepository(get('issueRepository'), log),
    anthropicStatusEnabled: get('anthropicStatus.enabled', true),
    anthropicStatusUrl: get('anthropicStatus.url', '').trim() || 'https://status.claude.com/api/v2/summary.json',
    healthBaseUrl: get('health.baseUrl', '').trim(),
    legacyKeys,
  };
}

/** Calls `listener` with fresh settings whenever one of ours changes, under its new name or its 0.1 name. */
export function onDidChangeSettings(listener: (settings: WatchSettings) => void, log?: SettingsLog): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SETTINGS_SECTION) || event.affectsConfiguration(LEGACY_SETTINGS_SECTION)) listener(readSettings(log));
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
    log?.warn(`${settingName('issueRepository')} ${JSON.stringify(String(value).slice(0, 200))} is not a GitHub owner/name: using ${DEFAULT_REPOSITORY}`);
  }
  return DEFAULT_REPOSITORY;
}
