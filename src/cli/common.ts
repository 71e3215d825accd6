// What every CLI command shares: its I/O, the config dir flags and the exit codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { resolveConfigDirs } from '../core/files/configDir';
import { ConfigDirError } from '../core/files/discover';
import { scanConfigDirs } from '../core/scan';
import type { ApiFailureEvent } from '../core/types';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
}

export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** Thrown for bad flags: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

/** `--config-dir` > `CLAUDE_CONFIG_DIR` > `~/.claude`, plus the legacy XDG dir when it exists. */
export function configDirsFor(explicit: string | undefined, env: Record<string, string | undefined>): string[] {
  return resolveConfigDirs({ explicit: explicit ?? null, env, homedir: env.HOME || os.homedir(), exists: fs.existsSync });
}

/** Every failure and retry since `sinceMs`, or null after saying why the config dir cannot be read. */
export async function scanOrExplain(configDirs: string[], sinceMs: number | null, io: CliIo): Promise<ApiFailureEvent[] | null> {
  try {
    return await scanConfigDirs({ configDirs, sinceMs });
  } catch (error) {
    if (!(error instanceof ConfigDirError)) throw error;
    io.stderr(`claude-api-watch: ${error.message}`);
    return null;
  }
}
