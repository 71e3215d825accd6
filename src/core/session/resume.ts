// How a Claude Code session the user was working in can be taken up again: a CLI session in a new
// terminal (`claude --resume <session id>` in its working directory), one of the Claude Code
// extension's own sessions through what that extension offers. Pure: the editor runs it, and only
// when the user clicks.

/** The session of a failure, as the transcript wrote it. */
export interface ResumableSession {
  sessionId: string | null;
  cwd: string | null;
  /** `cli`, `claude-vscode`, `sdk-ts`, ... */
  entrypoint: string | null;
}

/** Which shell the command line is quoted for. */
export type ShellKind = 'posix' | 'powershell' | 'cmd';

export type ResumeTarget =
  /** A new integrated terminal in `cwd` (null: the editor's default) typing `commandLine`. */
  | { kind: 'terminal'; sessionId: string; cwd: string | null; commandLine: string }
  /** The Claude Code extension's own session: that extension opens it by id (CLAUDE_EXTENSION_OPEN_SESSION). */
  | { kind: 'claudeExtension'; sessionId: string; cwd: string | null };

/**
 * The commands the Claude Code extension (`anthropic.claude-code`) registers to open one of its
 * conversations by session id, best first: `primaryEditor.open(sessionId, prompt)` is what its own
 * `/open?session=` link runs and keeps the user's preferred location; `editor.open(sessionId,
 * prompt, viewColumn)` opens it in an editor tab.
 */
export const CLAUDE_EXTENSION_OPEN_SESSION = ['claude-vscode.primaryEditor.open', 'claude-vscode.editor.open'] as const;
export const CLAUDE_EXTENSION_ID = 'anthropic.claude-code';

/** The Claude Code extension's own link to a conversation (`vscode://anthropic.claude-code/open?session=<id>`), for the editor's URI scheme. */
export function claudeExtensionSessionUri(uriScheme: string, sessionId: string): string {
  return `${uriScheme}://${CLAUDE_EXTENSION_ID}/open?session=${encodeURIComponent(sessionId)}`;
}

/** Claude Code's session ids are UUIDs: nothing else goes on a command line. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSessionId(value: string | null | undefined): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

/** `text` as one word for `shell`. */
export function quoteForShell(text: string, shell: ShellKind): string {
  if (shell === 'cmd') return `"${text.replace(/"/g, '""')}"`;
  // POSIX shells and PowerShell: single quotes take everything literally; a single quote is closed, escaped, reopened.
  return shell === 'powershell' ? `'${text.replace(/'/g, "''")}'` : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The shell a terminal runs, from its path (`/bin/zsh`, `C:\...\pwsh.exe`, `cmd.exe`). */
export function shellKindOf(shellPath: string | null | undefined): ShellKind {
  const name = (shellPath ?? '').split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (name === 'cmd' || name === 'cmd.exe') return 'cmd';
  if (name.startsWith('pwsh') || name.startsWith('powershell')) return 'powershell';
  return 'posix';
}

/** `claude --resume '<id>'`. */
export function resumeCommandLine(sessionId: string, shell: ShellKind = 'posix'): string {
  return `claude --resume ${quoteForShell(sessionId, shell)}`;
}

/**
 * How to resume `session`, or null: not a session id's shape, or a client (the SDK, the desktop
 * app) that cannot be resumed from here.
 */
export function resumeTargetFor(session: ResumableSession, shell: ShellKind = 'posix'): ResumeTarget | null {
  if (!isSessionId(session.sessionId)) return null;
  const cwd = session.cwd || null;
  if (session.entrypoint === 'cli') return { kind: 'terminal', sessionId: session.sessionId, cwd, commandLine: resumeCommandLine(session.sessionId, shell) };
  if (session.entrypoint === 'claude-vscode') return { kind: 'claudeExtension', sessionId: session.sessionId, cwd };
  return null;
}
