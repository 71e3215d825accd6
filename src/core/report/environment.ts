// Environment facts for a bug report, from plain inputs: the editor and the CLI read the process,
// the settings file and /etc/os-release, and pass them in. Values are named in the words of the
// claude-code bug form so the user can pick its dropdowns at a glance.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { claudeEnvironment, cloudProviderId, isFlagOn, readClaudeSettingsEnv } from '../claudeEnv';
import { isPathInside } from '../scope';
import type { RedactionContext } from './redact';

export interface EnvironmentInput {
  env: Record<string, string | undefined>;
  /** The `env` block of `<configDir>/settings.json` (see `readClaudeSettingsEnv`). */
  claudeSettingsEnv?: Record<string, string>;
  platform: NodeJS.Platform;
  /** `os.release()`. */
  osRelease: string;
  /** `process.arch`. */
  arch: string;
  /** Contents of /etc/os-release (see `readLinuxOsRelease`). */
  linuxOsRelease?: string;
  editor?: { name: string; version: string; remoteName?: string | null };
  extensionVersion?: string;
  /** The failing session's `entrypoint` (`cli`, `claude-vscode`, ...). */
  entrypoint?: string | null;
  /** `os.homedir()` and `os.userInfo().username`; default from HOME/USERPROFILE and USER/USERNAME. */
  homedir?: string;
  username?: string;
}

/** Options of the bug form's dropdowns (ids `platform`, `os`, `terminal`). */
export type PlatformOption = 'Anthropic API' | 'AWS Bedrock' | 'Google Vertex AI' | 'Other';
export type OsOption = 'macOS' | 'Windows' | 'Ubuntu/Debian Linux' | 'Other Linux' | 'Other';
export type TerminalOption =
  | 'Terminal.app (macOS)'
  | 'Warp'
  | 'Cursor'
  | 'iTerm2'
  | 'IntelliJ IDEA terminal'
  | 'VS Code integrated terminal'
  | 'PyCharm terminal'
  | 'Windows Terminal'
  | 'PowerShell'
  | 'WSL (Windows Subsystem for Linux)'
  | 'Xterm'
  | 'Non-interactive/CI environment'
  | 'Other';

export interface EnvironmentFacts {
  /** `Anthropic API`, `AWS Bedrock`, `Google Vertex AI`, `Microsoft Foundry` or `Gateway (<host>)`. */
  apiPlatform: string;
  platformOption: PlatformOption;
  /** The form's OS word. */
  os: OsOption;
  /** Release and architecture, e.g. `Ubuntu 24.04.1 LTS, kernel 6.8.0-45-generic, x64`. */
  osDetail: string;
  /** `Claude Code VS Code extension`, `VS Code integrated terminal`, `iTerm2`, ... or `unknown`. */
  terminal: string;
  terminalOption: TerminalOption;
  /** `Visual Studio Code 1.100.3 (remote: ssh-remote)`, or null outside an editor. */
  editor: string | null;
  extensionVersion: string | null;
  /** What the report must hide from paths. Never printed. */
  redaction: RedactionContext;
}

/** Every option of the form's terminal dropdown. */
export const TERMINAL_OPTIONS: readonly TerminalOption[] = [
  'Terminal.app (macOS)',
  'Warp',
  'Cursor',
  'iTerm2',
  'IntelliJ IDEA terminal',
  'VS Code integrated terminal',
  'PyCharm terminal',
  'Windows Terminal',
  'PowerShell',
  'WSL (Windows Subsystem for Linux)',
  'Xterm',
  'Non-interactive/CI environment',
  'Other',
];

/** TERM_PROGRAM values (lowercased) the form names. */
const TERMINAL_BY_TERM_PROGRAM: Readonly<Record<string, TerminalOption>> = {
  apple_terminal: 'Terminal.app (macOS)',
  'iterm.app': 'iTerm2',
  warpterminal: 'Warp',
  vscode: 'VS Code integrated terminal',
};

export function collectEnvironment(input: EnvironmentInput): EnvironmentFacts {
  const { apiPlatform, platformOption } = describeApiPlatform(input.env, input.claudeSettingsEnv ?? {});
  const { os, osDetail } = describeOs(input);
  const { terminal, terminalOption } = describeTerminal(input);
  const editor = input.editor
    ? `${input.editor.name} ${input.editor.version}${input.editor.remoteName ? ` (remote: ${input.editor.remoteName})` : ''}`
    : null;
  return {
    apiPlatform,
    platformOption,
    os,
    osDetail,
    terminal,
    terminalOption,
    editor,
    extensionVersion: input.extensionVersion ?? null,
    redaction: {
      homedir: input.homedir ?? input.env.HOME ?? input.env.USERPROFILE,
      username: input.username ?? input.env.USER ?? input.env.USERNAME ?? input.env.LOGNAME,
    },
  };
}

/** Claude Code's provider switches; the process environment wins over settings.json, as in Claude Code. */
function describeApiPlatform(
  env: Record<string, string | undefined>,
  settingsEnv: Record<string, string>,
): { apiPlatform: string; platformOption: PlatformOption } {
  const claudeEnv = claudeEnvironment(env, settingsEnv);
  const provider = cloudProviderId(claudeEnv);
  if (provider === 'bedrock') return { apiPlatform: 'AWS Bedrock', platformOption: 'AWS Bedrock' };
  if (provider === 'vertex') return { apiPlatform: 'Google Vertex AI', platformOption: 'Google Vertex AI' };
  if (provider === 'foundry') return { apiPlatform: 'Microsoft Foundry', platformOption: 'Other' };
  const host = hostOf(claudeEnv.ANTHROPIC_BASE_URL);
  if (host && host !== 'api.anthropic.com') return { apiPlatform: `Gateway (${host})`, platformOption: 'Other' };
  return { apiPlatform: 'Anthropic API', platformOption: 'Anthropic API' };
}

/** Only the host: a base URL can carry credentials or tokens in its user info, path or query. */
function hostOf(baseUrl: string | undefined): string | null {
  if (!baseUrl?.trim()) return null;
  try {
    return new URL(baseUrl.trim()).host || null;
  } catch {
    return 'unparsable ANTHROPIC_BASE_URL';
  }
}

function describeOs(input: EnvironmentInput): { os: OsOption; osDetail: string } {
  const { platform, osRelease, arch } = input;
  if (platform === 'darwin') {
    const macVersion = macOsVersion(osRelease);
    return { os: 'macOS', osDetail: `${macVersion ? `macOS ${macVersion}, ` : ''}Darwin ${osRelease}, ${arch}` };
  }
  if (platform === 'win32') {
    const build = Number(/^10\.0\.(\d+)/.exec(osRelease)?.[1]);
    const name = build >= 22000 ? 'Windows 11' : build > 0 ? 'Windows 10' : 'Windows';
    return { os: 'Windows', osDetail: `${name} ${osRelease}, ${arch}` };
  }
  if (platform === 'linux') {
    const release = parseOsRelease(input.linuxOsRelease ?? '');
    const ids = [release.ID, ...(release.ID_LIKE ?? '').split(/\s+/)].map((id) => (id ?? '').toLowerCase());
    const debianLike = ids.some((id) => id === 'ubuntu' || id === 'debian');
    const distro = release.PRETTY_NAME ?? release.NAME ?? 'Linux';
    const wsl = /microsoft|wsl/i.test(osRelease) ? ' (WSL)' : '';
    return {
      os: debianLike ? 'Ubuntu/Debian Linux' : 'Other Linux',
      osDetail: `${distro}${wsl}, kernel ${osRelease}, ${arch}`,
    };
  }
  return { os: 'Other', osDetail: `${platform} ${osRelease}, ${arch}` };
}

/** Darwin 20–24 are macOS 11–15; Darwin 25 is macOS 26 (the year-based numbering). */
function macOsVersion(darwinRelease: string): string | null {
  const major = Number(/^(\d+)\./.exec(darwinRelease)?.[1]);
  if (!(major >= 20)) return null;
  return String(major >= 25 ? major + 1 : major - 9);
}

/** `KEY=value` lines, values optionally quoted (os-release(5)). */
export function parseOsRelease(text: string): Record<string, string | undefined> {
  const fields: Record<string, string | undefined> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    fields[match[1]] = match[2].trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

function describeTerminal(input: EnvironmentInput): { terminal: string; terminalOption: TerminalOption } {
  if (input.entrypoint === 'claude-vscode') {
    return { terminal: 'Claude Code VS Code extension', terminalOption: 'Other' };
  }
  const termProgram = (input.env.TERM_PROGRAM ?? '').trim();
  const key = termProgram.toLowerCase();
  const option = terminalOption(input, key);
  if (key === 'vscode') {
    // Cursor (a VS Code fork) sets the same TERM_PROGRAM.
    return { terminal: option === 'Cursor' ? 'Cursor integrated terminal' : 'VS Code integrated terminal', terminalOption: option };
  }
  if (termProgram) {
    const version = input.env.TERM_PROGRAM_VERSION ? ` ${input.env.TERM_PROGRAM_VERSION}` : '';
    return { terminal: `${TERMINAL_BY_TERM_PROGRAM[key] ?? termProgram}${version}`, terminalOption: option };
  }
  return { terminal: option === 'Other' ? 'unknown' : option, terminalOption: option };
}

/** The form's terminal option, from TERM_PROGRAM or the variables other terminals set instead. */
function terminalOption(input: EnvironmentInput, termProgram: string): TerminalOption {
  const { env } = input;
  if (termProgram === 'vscode' && /cursor/i.test(input.editor?.name ?? '')) return 'Cursor';
  if (TERMINAL_BY_TERM_PROGRAM[termProgram]) return TERMINAL_BY_TERM_PROGRAM[termProgram];
  if (env.WSL_DISTRO_NAME) return 'WSL (Windows Subsystem for Linux)';
  if (env.WT_SESSION) return 'Windows Terminal';
  if (/jetbrains/i.test(env.TERMINAL_EMULATOR ?? '')) return 'IntelliJ IDEA terminal';
  if (env.XTERM_VERSION) return 'Xterm';
  if (isFlagOn(env.CI)) return 'Non-interactive/CI environment';
  if (env.PSModulePath && input.platform === 'win32') return 'PowerShell';
  return 'Other';
}

export { readClaudeSettingsEnv };

/** /etc/os-release (or /usr/lib/os-release), or undefined when neither can be read. */
export async function readLinuxOsRelease(
  files: readonly string[] = ['/etc/os-release', '/usr/lib/os-release'],
): Promise<string | undefined> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {
      // try the next location
    }
  }
  return undefined;
}

/**
 * The environment of this machine, read the same way by the CLI and the editor: the process,
 * the `settings.json` of the config dir holding `failureFile`, and /etc/os-release.
 */
export async function gatherEnvironment(input: {
  env: Record<string, string | undefined>;
  configDirs: readonly string[];
  /** The transcript of the failure reported on: picks the config dir whose settings apply. */
  failureFile: string;
  entrypoint: string | null;
  editor?: EnvironmentInput['editor'];
  extensionVersion?: string;
}): Promise<EnvironmentFacts> {
  const configDir = input.configDirs.find((dir) => isPathInside(input.failureFile, dir, process.platform)) ?? input.configDirs[0];
  const { env } = input;
  return collectEnvironment({
    env,
    claudeSettingsEnv: configDir ? await readClaudeSettingsEnv(configDir) : {},
    platform: process.platform,
    osRelease: os.release(),
    arch: process.arch,
    linuxOsRelease: process.platform === 'linux' ? await readLinuxOsRelease() : undefined,
    editor: input.editor,
    extensionVersion: input.extensionVersion,
    entrypoint: input.entrypoint,
    homedir: env.HOME || env.USERPROFILE || os.homedir(),
    username: env.USER || env.USERNAME || env.LOGNAME || loginName(),
  });
}

function loginName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the home directory is still redacted.
    return undefined;
  }
}
