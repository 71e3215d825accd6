// The settings' names, the 0.1 names they replace, and how a value set under a 0.1 name still
// applies. VS Code labels a setting from its key ("claudeAPIWatch" → "Claude API Watch" in the
// Settings editor's search results since 1.139; 0.1's "claudeApiWatch" reads "Claude Api Watch"),
// so the settings moved to `claudeAPIWatch.*`. Command ids, context keys and view ids keep
// `claudeApiWatch.`: no label is made from them. Pure: the editor hands in what
// `WorkspaceConfiguration.inspect()` returned.

/** Where the settings live. */
export const SETTINGS_SECTION = 'claudeAPIWatch';
/** Where 0.1 kept them. */
export const LEGACY_SETTINGS_SECTION = 'claudeApiWatch';

/** The settings 0.1.0 shipped (`notifications` was then a boolean). */
export const LEGACY_SETTING_KEYS = [
  'configDir',
  'scope',
  'quietPeriodMinutes',
  'lookbackHours',
  'notifications',
  'statusBar.showWhenHealthy',
  'issueRepository',
  'anthropicStatus.enabled',
  'anthropicStatus.url',
  'health.baseUrl',
] as const;

/**
 * Settings only the user may set (machine or application scope, restricted in untrusted
 * workspaces). 0.1 let a workspace set `issueRepository`: a 0.1 name is honoured for these from
 * user settings only, whatever VS Code's scope handling lets through.
 */
export const USER_ONLY_SETTING_KEYS: ReadonlySet<string> = new Set(['configDir', 'issueRepository', 'anthropicStatus.url', 'health.baseUrl']);

/** `claudeAPIWatch.<key>`: the name to show users. */
export function settingName(key: string): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** `claudeApiWatch.<key>`: the 0.1 name. */
export function legacySettingName(key: string): string {
  return `${LEGACY_SETTINGS_SECTION}.${key}`;
}

export function isLegacySettingKey(key: string): boolean {
  return (LEGACY_SETTING_KEYS as readonly string[]).includes(key);
}

/** What `WorkspaceConfiguration.inspect()` returns, as far as it matters here. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Where a value is set, most specific first: the order VS Code applies them in. */
export type SettingLevel = 'workspaceFolder' | 'workspace' | 'global';
export const SETTING_LEVELS: readonly SettingLevel[] = ['workspaceFolder', 'workspace', 'global'];

const VALUE_AT: Record<SettingLevel, keyof InspectedSetting> = {
  workspaceFolder: 'workspaceFolderValue',
  workspace: 'workspaceValue',
  global: 'globalValue',
};

/** A 0.1 value at `level`, if it may apply there (user-only settings: from user settings alone). */
export function legacyValueAt(key: string, legacy: InspectedSetting | undefined, level: SettingLevel): unknown {
  if (legacy === undefined || (level !== 'global' && USER_ONLY_SETTING_KEYS.has(key))) return undefined;
  return legacy[VALUE_AT[level]];
}

export function valueAt(inspected: InspectedSetting | undefined, level: SettingLevel): unknown {
  return inspected?.[VALUE_AT[level]];
}

/** A 0.1 value as the new setting takes it: 0.1's on/off `notifications` becomes a level. */
export function legacyValueAsCurrent(key: string, value: unknown): unknown {
  if (key === 'notifications' && typeof value === 'boolean') return value ? 'onPersistentRetries' : 'off';
  return value;
}

export interface ResolvedSetting {
  value: unknown;
  /** Where a 0.1 name decided the value; null when the new name (or the default) did. */
  legacyLevel: SettingLevel | null;
}

/**
 * The value that applies: level by level, most specific first, the new name where it is set,
 * else the 0.1 name; the first level with either decides. `current` is what `get()` returned for
 * the new name (its default when nothing is set): it stands wherever no 0.1 value comes first.
 */
export function resolveSetting(key: string, current: unknown, currentInspected: InspectedSetting | undefined, legacy: InspectedSetting | undefined): ResolvedSetting {
  for (const level of SETTING_LEVELS) {
    if (valueAt(currentInspected, level) !== undefined) break;
    const old = legacyValueAt(key, legacy, level);
    if (old !== undefined) return { value: legacyValueAsCurrent(key, old), legacyLevel: level };
  }
  return { value: current, legacyLevel: null };
}

/** A 0.1 value found at one level (a folder's, in a multi-root workspace, names the folder). */
export interface LegacySettingFound {
  key: string;
  level: SettingLevel;
  folder?: string;
  legacyValue: unknown;
  /** The new name's value at the same level, if set. */
  currentValue: unknown;
}

/** One step of moving to the new names, at one level. */
export interface SettingMove {
  key: string;
  level: SettingLevel;
  folder?: string;
  /** Written under the new name first; absent when the new name already holds a value there (it wins, and stays). */
  write?: { value: unknown };
}

/** Every 0.1 value becomes the new name's at the same level, unless the new name is set there already; the 0.1 name is then removed. */
export function planSettingMoves(found: readonly LegacySettingFound[]): SettingMove[] {
  return found.map(({ key, level, folder, legacyValue, currentValue }) => ({
    key,
    level,
    ...(folder === undefined ? {} : { folder }),
    ...(currentValue === undefined ? { write: { value: legacyValueAsCurrent(key, legacyValue) } } : {}),
  }));
}

const LEVEL_NAMES: Record<SettingLevel, string> = { global: 'User', workspace: 'Workspace', workspaceFolder: 'Folder' };

function where(move: SettingMove): string {
  return move.folder === undefined ? LEVEL_NAMES[move.level] : `${LEVEL_NAMES[move.level]} ${move.folder}`;
}

/** What the move did, in one notification: which settings moved where, and which 0.1 values gave way to a new one already set. */
export function describeSettingMoves(moves: readonly SettingMove[]): string {
  const moved = moves.filter((move) => move.write).map((move) => `${move.key} (${where(move)})`);
  const dropped = moves.filter((move) => !move.write).map((move) => `${move.key} (${where(move)})`);
  const parts: string[] = [];
  if (moved.length > 0) parts.push(`Moved ${moved.length === 1 ? '1 setting' : `${moved.length} settings`} to ${SETTINGS_SECTION}.*: ${moved.join(', ')}.`);
  if (dropped.length > 0) parts.push(`Removed the 0.1 name of ${dropped.join(', ')}: the new name was already set there and stays.`);
  return parts.length > 0 ? parts.join(' ') : 'No setting used a 0.1 name any more: nothing to move.';
}
