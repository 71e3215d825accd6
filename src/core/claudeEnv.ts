// Claude Code's own environment switches, read one way everywhere: which provider it sends
// requests to decides what a health check covers, whether Anthropic's status page applies, and
// what a bug report names as the platform.

export type CloudProviderId = 'bedrock' | 'vertex' | 'foundry';

const PROVIDER_FLAGS: ReadonlyArray<readonly [variable: string, id: CloudProviderId]> = [
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
 * settings.json for what the process does not set.
 */
export function claudeEnvironment(
  processEnv: Record<string, string | undefined>,
  settingsEnv: Record<string, string>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...settingsEnv };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) merged[name] = value;
  return merged;
}
