// Which Claude Code config dirs to read. Pure: the environment and the file system come in as inputs.
import * as path from 'node:path';

export interface ConfigDirInput {
  /** The user's setting or `--config-dir` flag; blank means unset. */
  explicit?: string | null;
  env: Record<string, string | undefined>;
  homedir: string;
  exists: (p: string) => boolean;
}

/**
 * The config dirs to scan, absolute and without duplicates, main one first:
 * the explicit setting, else `$CLAUDE_CONFIG_DIR`, else `~/.claude`. Without an explicit setting,
 * the legacy `${XDG_CONFIG_HOME:-~/.config}/claude` (used by some 1.0.28–1.0.3x installs) follows
 * when it has a `projects` dir. An explicit setting is taken as the whole answer, so a
 * `--config-dir` run never mixes in the user's own transcripts.
 */
export function resolveConfigDirs(input: ConfigDirInput): string[] {
  const { env, homedir } = input;
  const explicit = nonBlank(input.explicit);
  if (explicit !== null) return [absolute(explicit, homedir)];

  const dirs = [absolute(nonBlank(env.CLAUDE_CONFIG_DIR) ?? path.join(homedir, '.claude'), homedir)];
  const xdgHome = nonBlank(env.XDG_CONFIG_HOME);
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const configHome = xdgHome !== null && path.isAbsolute(expandHome(xdgHome, homedir)) ? xdgHome : path.join(homedir, '.config');
  const legacy = absolute(path.join(expandHome(configHome, homedir), 'claude'), homedir);
  if (input.exists(path.join(legacy, 'projects'))) dirs.push(legacy);
  return dedupe(dirs);
}

/** `~` and `~/x` (or `~\x`) → under `homedir`; anything else unchanged. */
export function expandHome(p: string, homedir: string): string {
  if (p === '~') return homedir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homedir, p.slice(2));
  return p;
}

function absolute(p: string, homedir: string): string {
  return path.resolve(expandHome(p, homedir));
}

function nonBlank(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function dedupe(dirs: string[]): string[] {
  return [...new Set(dirs)];
}
