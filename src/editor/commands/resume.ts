// Resume Session: the session a failure (or a back-to-work notice) was about, taken up again. A
// Claude Code CLI session in a new terminal in its working directory; one of the Claude Code
// extension's own sessions through that extension's command, where it has one. Only on a click.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { CLAUDE_EXTENSION_ID, CLAUDE_EXTENSION_OPEN_SESSION, claudeExtensionSessionUri, resumeTargetFor, shellKindOf, type ResumeTarget } from '../../core/session/resume';
import { asFailureEvent, type ApiFailureEvent } from '../../core/types';
import type { CommandContext, CommandHandler } from './context';

const t = vscode.l10n.t;
/** How long a new terminal may take to report its shell integration before the command is typed instead. */
const SHELL_INTEGRATION_WAIT_MS = 3_000;

/** How `failure`'s session resumes in this editor (quoted for the default terminal's shell), or null. */
export function resumeTargetIn(failure: Pick<ApiFailureEvent, 'sessionId' | 'cwd' | 'entrypoint'>): ResumeTarget | null {
  return resumeTargetFor(failure, shellKindOf(vscode.env.shell));
}

async function resumeSession(ctx: CommandContext, chosen?: unknown): Promise<void> {
  // A failure passed by a notice or Recent Failures; from the palette, the one shown, else the latest resumable one.
  const candidates = [asFailureEvent(chosen), ctx.session.state.snapshot.failure, ...ctx.session.recentFailures(50)];
  const failure = candidates.find((candidate) => candidate && resumeTargetIn(candidate)) ?? candidates.find(Boolean);
  const target = failure ? resumeTargetIn(failure) : null;
  if (!failure || !target) {
    void vscode.window.showInformationMessage(
      failure
        ? t('This session cannot be resumed from here: only sessions of the Claude Code CLI and of the Claude Code extension can.')
        : t('No Claude Code session to resume.'),
    );
    return;
  }
  if (target.kind === 'terminal') {
    await resumeInTerminal(target, ctx);
    return;
  }
  await resumeInClaudeExtension(target, ctx);
}

/**
 * The Claude Code extension's command that opens a conversation by id, where it registers one; else
 * its own link, where it is installed (its URI handler activates it); else where to find the conversation.
 */
async function resumeInClaudeExtension(target: Extract<ResumeTarget, { kind: 'claudeExtension' }>, ctx: CommandContext): Promise<void> {
  const registered = new Set(await vscode.commands.getCommands(true));
  const command = CLAUDE_EXTENSION_OPEN_SESSION.find((id) => registered.has(id));
  if (command) {
    ctx.log.info(`Resuming session ${target.sessionId} in the Claude Code extension (${command})`);
    await vscode.commands.executeCommand(command, target.sessionId);
    return;
  }
  if (vscode.extensions.getExtension(CLAUDE_EXTENSION_ID)) {
    const uri = claudeExtensionSessionUri(vscode.env.uriScheme, target.sessionId);
    ctx.log.info(`Resuming session ${target.sessionId} through the Claude Code extension's link ${uri}`);
    await vscode.env.openExternal(vscode.Uri.parse(uri));
    return;
  }
  void vscode.window.showInformationMessage(
    t("Open the Claude Code panel and choose this conversation from its past conversations (session {0}); or run `claude --resume {1}` in a terminal.", target.sessionId.slice(0, 8), target.sessionId),
  );
}

/** A new terminal in the session's directory running `claude --resume <id>` (through shell integration when it comes up). */
async function resumeInTerminal(target: Extract<ResumeTarget, { kind: 'terminal' }>, ctx: CommandContext): Promise<void> {
  const cwd = target.cwd && fs.existsSync(target.cwd) ? target.cwd : undefined;
  const terminal = vscode.window.createTerminal({ name: t('Claude Code {0}', target.sessionId.slice(0, 8)), cwd, iconPath: new vscode.ThemeIcon('debug-restart') });
  terminal.show();
  ctx.log.info(`Resuming session ${target.sessionId} in a new terminal${cwd ? ` in ${cwd}` : ''}: ${target.commandLine}`);
  const integration = await shellIntegrationOf(terminal);
  if (integration) integration.executeCommand(target.commandLine);
  else terminal.sendText(target.commandLine, true);
}

function shellIntegrationOf(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const done = (integration: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      subscription.dispose();
      closed.dispose();
      resolve(integration);
    };
    const timer = setTimeout(() => done(undefined), SHELL_INTEGRATION_WAIT_MS);
    const subscription = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) done(event.shellIntegration);
    });
    const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
      if (closedTerminal === terminal) done(undefined);
    });
  });
}

export function resumeCommands(ctx: CommandContext) {
  return {
    [CommandId.resumeSession]: (chosen?: unknown) => resumeSession(ctx, chosen),
  } satisfies Record<string, CommandHandler>;
}
