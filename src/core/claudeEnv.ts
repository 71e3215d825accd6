// Claude Code's own environment switches, read one way everywhere: which provider it sends
// requests to decides what a health check covers, whether Anthropic's status page applies, and
// what a bug report names as the platform.
import * as path from 'node:path';
import { readRegularFileText } from './files/regularFile';
import { isJsonObject } from './json';
import { isPathInside } from './scope';

type Env = Record<string, string | undefined>;

export type CloudProviderId = 'bedrock' | 'vertex' | 'foundry';

export const PROVIDER_FLAGS: ReadonlyArray<readonly [variable: string, id: CloudProviderId]> = [
  ['CLAUDE_CODE_USE_BEDROCK', 'bedrock'],
  ['CLAUDE_CODE_USE_VERTEX', 'vertex'],
  ['CLAUDE_CODE_USE_FOUNDRY', 'foundry'],
];

/** Claude Code reads these flags as on unless empty, 0 or false. */
export function isFlagOn(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.trim().toLowerCase());
}

/** The cloud provider Claude Code is set to use instead of the Anthropic API, or null. */
export function cloudProviderId(env: Record<string, string | undefined>): CloudProviderId | null {
  return PROVIDER_FLAGS.find(([variable]) => isFlagOn(env[variable]))?.[1] ?? null;
}

/**
 * The environment Claude Code runs with: the process's, then the `env` block of its
 * settings.json for what the process does not set. An exported but empty variable sets nothing:
 * Claude Code (and the SDK under it) treats it as absent.
 */
export function claudeEnvironment(
  processEnv: Record<string, string | undefined>,
  settingsEnv: Record<string, string>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...settingsEnv };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined && value !== '') merged[name] = value;
  return merged;
}

/**
 * The `env` block of `<configDir>/settings.json`, read-only. A missing, unreadable or malformed file,
 * or a block that is not an object, gives `{}`; numbers and booleans (`"CLAUDE_CODE_USE_BEDROCK": 1`)
 * become strings, other values are dropped.
 */
export async function readClaudeSettingsEnv(configDir: string): Promise<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readRegularFileText(path.join(configDir, 'settings.json')));
  } catch {
    return {};
  }
  const block = isJsonObject(parsed) ? parsed.env : undefined;
  if (!isJsonObject(block)) return {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(block)) {
    if (typeof value === 'string') env[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
  }
  return env;
}

/**
 * The one resolver of Claude Code's environment: the process's, plus the `env` block of each config
 * dir's settings.json. A failure is judged by its own config dir's settings; everything else
 * (health check, status page) by the first config dir's, the one Claude Code uses by default.
 */
export class ClaudeEnvironments {
  readonly #processEnv: Env;
  readonly #platform: NodeJS.Platform;
  readonly #readSettingsEnv: (configDir: string) => Promise<Record<string, string>>;
  #configDirs: readonly string[] = [];
  #settingsEnvs = new Map<string, Record<string, string>>();

  constructor(processEnv: Env, options: { platform?: NodeJS.Platform; readSettingsEnv?: (configDir: string) => Promise<Record<string, string>> } = {}) {
    this.#processEnv = processEnv;
    this.#platform = options.platform ?? process.platform;
    this.#readSettingsEnv = options.readSettingsEnv ?? readClaudeSettingsEnv;
  }

  /** Reads every config dir's settings.json again (start, a config dir change, a user asking). */
  async load(configDirs: readonly string[]): Promise<void> {
    const entries = await Promise.all(configDirs.map(async (dir) => [dir, await this.#readSettingsEnv(dir)] as const));
    this.#configDirs = configDirs;
    this.#settingsEnvs = new Map(entries);
  }

  get configDirs(): readonly string[] {
    return this.#configDirs;
  }

  /** The environment Claude Code runs with for `configDir` (the first config dir when omitted). */
  forConfigDir(configDir: string | undefined = this.#configDirs[0]): Env {
    return claudeEnvironment(this.#processEnv, (configDir && this.#settingsEnvs.get(configDir)) || {});
  }

  /** The environment of the session that wrote `file`: its own config dir's settings win. */
  forFile(file: string): Env {
    return this.forConfigDir(this.configDirOf(file));
  }

  /** The config dir holding `file`, else the first one. */
  configDirOf(file: string): string | undefined {
    return this.#configDirs.find((dir) => isPathInside(file, dir, this.#platform)) ?? this.#configDirs[0];
  }

  /** Where a variable comes from, for messages: `settings.json` of a config dir, or the process. */
  sourceOf(variable: string, configDir: string | undefined = this.#configDirs[0]): string {
    if (this.#processEnv[variable] !== undefined) return 'the environment';
    return configDir ? path.join(configDir, 'settings.json') : 'settings.json';
  }
}
