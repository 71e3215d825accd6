// Back to work in the real extension host: a plan limit that resets shortly after it is written is
// told; an outage followed by a success in another session is told with Resume Session, and
// Resume opens a terminal in the session's directory running `claude --resume <id>` (seen through
// the terminal API, never by running Claude Code).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/core/commandIds';
import type { ShownNotice } from '../../../src/editor/claudeApiWatch';
import { assistantText, finalFailure, userPrompt } from '../../fixtures/transcripts';
import { eventually, projectName, requestId, sessionEnvelope, stamp, useFreshState, workspaceCwd } from './support';

suite('Back to work', () => {
  const state = useFreshState();
  const opened: vscode.Terminal[] = [];

  teardown(async () => {
    for (const terminal of opened.splice(0)) terminal.dispose();
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  const shown = (reason: ShownNotice['reason'], sessionId: string) => () =>
    state.api.notices().find((notice) => notice.reason === reason && notice.failure.sessionId === sessionId);

  test('a plan limit that resets 10 s after it is written: "Your 5-hour limit has reset", with Resume Session', async () => {
    const session = sessionEnvelope();
    const resetsAt = Math.ceil(Date.now() / 1000) + 10;
    await state.transcripts.append(projectName('limit'), session.sessionId!, [
      userPrompt('refactor the parser', { ...session, timestamp: stamp(1000) }),
      finalFailure("You've hit your session limit · resets 5:40pm", session, {
        error: 'rate_limit',
        quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' },
      }),
    ]);
    await eventually('the limit to show', () => state.api.snapshot(), (snapshot) => snapshot.state === 'failing' && snapshot.failureClass === 'rate_limit');
    assert.equal(shown('limitReset', session.sessionId!)(), undefined, 'nothing before the reset');
    const notice = await eventually('the reset notice', shown('limitReset', session.sessionId!), (found) => found !== undefined, 40_000);
    assert.ok(Date.now() >= resetsAt * 1000, 'not before the reset');
    assert.equal(notice!.message, 'Your 5-hour limit has reset');
    assert.deepEqual(notice!.actions, ['Resume Session']);
    await eventually('the item to clear at the reset', () => state.api.snapshot().state, (current) => current === 'healthy');
  });

  test('an outage, then a success in another session: back to work with Resume Session, which opens claude --resume in a terminal', async () => {
    const cwd = workspaceCwd();
    await fs.mkdir(cwd, { recursive: true });
    const failed = sessionEnvelope({ cwd });
    const finalId = requestId();
    await state.transcripts.append(projectName('outage'), failed.sessionId!, [
      userPrompt('run the tests', { ...failed, timestamp: stamp(2000) }),
      finalFailure('API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.', failed, {
        error: 'server_error',
        apiErrorStatus: 500,
        requestId: finalId,
      }),
    ]);
    await eventually('the outage notice', shown('failure', failed.sessionId!), (found) => found !== undefined);

    const other = sessionEnvelope({ timestamp: stamp() });
    await state.transcripts.append(projectName('elsewhere'), other.sessionId!, [userPrompt('hello', other), assistantText('Hello!', { ...other, timestamp: stamp() })]);
    const notice = await eventually('the back-to-work notice', shown('backToWork', failed.sessionId!), (found) => found !== undefined);
    assert.match(notice!.message, /^Anthropic's API answers again \(a request succeeded in another session\): down for (less than a minute|\d+ min)$/);
    assert.deepEqual(notice!.actions, ['Resume Session']);
    assert.match(state.api.statusView().tooltipMarkdown, /Back to work:/);

    // What the notification's button runs, with the same argument.
    const expected = `claude --resume '${failed.sessionId}'`;
    const executions: string[] = [];
    const listening = vscode.window.onDidStartTerminalShellExecution((event) => executions.push(event.execution.commandLine.value));
    const openedHere = new Promise<vscode.Terminal>((resolve) => {
      const subscription = vscode.window.onDidOpenTerminal((terminal) => {
        subscription.dispose();
        resolve(terminal);
      });
    });
    try {
      await vscode.commands.executeCommand(CommandId.resumeSession, notice!.failure);
      const terminal = await openedHere;
      opened.push(terminal);
      assert.equal(terminal.name, `Claude Code ${failed.sessionId!.slice(0, 8)}`);
      const options = terminal.creationOptions as vscode.TerminalOptions;
      assert.equal(typeof options.cwd === 'string' ? options.cwd : options.cwd?.fsPath, cwd, 'in the session\'s working directory');
      await eventually('the command line to run in the terminal', () => executions, (lines) => lines.includes(expected), 30_000);
    } finally {
      listening.dispose();
    }
  });

  test("a session of the Claude Code extension resumes through that extension's command (a stand-in here), with its session id", async () => {
    const session = sessionEnvelope({ entrypoint: 'claude-vscode' });
    await state.transcripts.append(projectName('extension'), session.sessionId!, [
      finalFailure('API Error: 500 Internal server error.', session, { error: 'server_error', apiErrorStatus: 500, requestId: requestId() }),
    ]);
    const failure = await eventually('the failure to be read', () => state.api.recentFailures(20).find((f) => f.sessionId === session.sessionId), (found) => found !== undefined);
    const calls: unknown[][] = [];
    const standIn = vscode.commands.registerCommand('claude-vscode.primaryEditor.open', (...args: unknown[]) => void calls.push(args));
    try {
      await vscode.commands.executeCommand(CommandId.resumeSession, failure);
      assert.deepEqual(calls, [[session.sessionId]]);
      assert.ok(!vscode.window.terminals.some((terminal) => terminal.name.endsWith(session.sessionId!.slice(0, 8))), 'no terminal for it');
    } finally {
      standIn.dispose();
    }
  });
});
