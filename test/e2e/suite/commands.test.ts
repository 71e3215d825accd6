// The commands, run for real in the extension host against transcripts written while the suite runs.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import { CommandId } from '../../../src/core/commandIds';
import { assistantText, finalFailure, retrySdkError, userPrompt } from '../../fixtures/transcripts';
import {
  activeApi,
  eventually,
  projectName,
  requestId,
  sessionEnvelope,
  SettingsGuard,
  sleep,
  stamp,
  useFreshState,
  within,
} from './support';

/** The body Claude Code 1.0.x–2.1.107 put after `API Error: 500`. */
function serverErrorText(id: string): string {
  return `API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${id}"}`;
}

suite('Commands', () => {
  const state = useFreshState();

  teardown(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** A session that retried a 500 twice and then gave up; waits until the extension shows it failing. */
  async function writeOutage(
    label: string,
  ): Promise<{ file: string; sessionId: string; retryIds: string[]; finalId: string; version: string; finalLine: number }> {
    const retryIds = [requestId(), requestId()];
    const finalId = requestId();
    const session = sessionEnvelope();
    const at = (agoMs: number) => ({ ...session, timestamp: stamp(agoMs) });
    const lines = [
      userPrompt('run the tests and fix what fails', at(4000)),
      assistantText('Running the tests.', at(3500)),
      retrySdkError(500, 'api_error', 'Internal server error', retryIds[0], 1, at(3000)),
      retrySdkError(500, 'api_error', 'Internal server error', retryIds[1], 2, at(1500)),
      finalFailure(serverErrorText(finalId), at(0), { error: 'server_error', apiErrorStatus: 500, requestId: finalId }),
    ];
    const file = await state.transcripts.append(projectName(label), session.sessionId!, lines);
    await eventually(
      'the written 500 to show as failing',
      () => state.api.snapshot(),
      (snapshot) => snapshot.state === 'failing' && snapshot.failure?.requestId === finalId,
    );
    return { file, sessionId: session.sessionId!, retryIds, finalId, version: session.version!, finalLine: lines.length };
  }

  test('every contributed command is registered, and every command id is contributed', async () => {
    await activeApi();
    const contributed = manifest.contributes.commands.map((command) => command.command).sort();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed in package.json but not registered');
    assert.deepEqual([...Object.values(CommandId)].sort(), contributed, 'CommandId and package.json differ');
  });

  test('Copy Bug Report puts the failure, its request IDs and the Claude Code version on the clipboard', async () => {
    const outage = await writeOutage('copy');
    const view = state.api.statusView();
    assert.ok(view?.visible, 'the status bar item is hidden while failing');
    assert.match(view.text, /500/);
    assert.equal(view.command, CommandId.showActions);

    await vscode.env.clipboard.writeText('nothing copied yet');
    // The command waits on its notification's buttons: read the clipboard instead of awaiting it.
    const running = vscode.commands.executeCommand(CommandId.copyBugReport);
    const report = await eventually(
      'the bug report on the clipboard',
      () => vscode.env.clipboard.readText(),
      (text) => text.includes(outage.finalId),
    );
    assert.match(report, /\b500\b/);
    assert.ok(report.includes(outage.version), `the report lacks Claude Code ${outage.version}`);
    for (const id of outage.retryIds) assert.ok(report.includes(id), `the report lacks the retry's request ID ${id}`);
    // Dismissing the notification ends the command: it never hangs on its buttons.
    await vscode.commands.executeCommand('notifications.clearAll');
    await within('Copy Bug Report after its notification was dismissed', running);
  });

  test('context keys: the palette offers report, clear and forget only when they can act', async () => {
    const palette = (manifest.contributes as { menus: { commandPalette: { command: string; when: string }[] } }).menus.commandPalette;
    const when = new Map(palette.map((entry) => [entry.command, entry.when]));
    for (const report of [CommandId.copyBugReport, CommandId.openGitHubIssue, CommandId.searchExistingIssues]) {
      assert.equal(when.get(report), 'claudeApiWatch.hasFailure && claudeApiWatch.canFileReport', report);
    }
    assert.equal(when.get(CommandId.clearIndicator), 'claudeApiWatch.showingFailure');
    assert.equal(when.get(CommandId.clearApiKey), 'claudeApiWatch.hasStoredKey');
    assert.equal(when.has(CommandId.showActions), false, 'the actions are always offered');

    await eventually('no failure shown after clearing', () => state.api.contextKeys(), (keys) => keys['claudeApiWatch.showingFailure'] === false);
    await writeOutage('context-keys');
    const failing = await eventually('the keys of a failure', () => state.api.contextKeys(), (keys) => keys['claudeApiWatch.showingFailure'] === true);
    assert.equal(failing['claudeApiWatch.hasFailure'], true);
    assert.equal(failing['claudeApiWatch.canFileReport'], true, "Anthropic's outage is something to file");
    await vscode.commands.executeCommand(CommandId.clearIndicator);
    await eventually('Clear Indicator to be withdrawn', () => state.api.contextKeys(), (keys) => keys['claudeApiWatch.showingFailure'] === false);
    await vscode.commands.executeCommand(CommandId.clearApiKey);
    await eventually('no stored key', () => state.api.contextKeys(), (keys) => keys['claudeApiWatch.hasStoredKey'] === false);
  });

  test('during a plan limit the report commands build nothing: not offered, and run anyway they say why', async () => {
    await vscode.commands.executeCommand(CommandId.clearIndicator);
    const session = sessionEnvelope();
    await state.transcripts.append(projectName('limit'), session.sessionId!, [
      userPrompt('continue', { ...session, timestamp: stamp(500) }),
      finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", { ...session, timestamp: stamp(0) }, { error: 'rate_limit' }),
    ]);
    await eventually('the limit to show', () => state.api.snapshot(), (snapshot) => snapshot.failureClass === 'rate_limit');
    const keys = await eventually('the keys of a limit', () => state.api.contextKeys(), (k) => k['claudeApiWatch.canFileReport'] === false);
    assert.equal(keys['claudeApiWatch.hasFailure'], true);
    await vscode.env.clipboard.writeText('nothing copied yet');
    // A keybinding or another extension can still run them: nothing is built, copied or opened.
    for (const command of [CommandId.copyBugReport, CommandId.openGitHubIssue, CommandId.searchExistingIssues]) {
      await within(command, vscode.commands.executeCommand(command));
    }
    assert.equal(await vscode.env.clipboard.readText(), 'nothing copied yet');
    const view = state.api.statusView();
    assert.ok(!view.actions.some((action) => action.command === CommandId.copyBugReport));
    assert.ok(!view.tooltipMarkdown.includes('This outage'), 'a limit is not an outage');
  });

  test('Show Actions lists what fits the state, the report first during an outage', async () => {
    await writeOutage('actions');
    const view = state.api.statusView();
    assert.equal(view.command, CommandId.showActions);
    assert.deepEqual(view.actions.slice(0, 2).map((action) => action.command), [CommandId.copyBugReport, CommandId.searchExistingIssues]);
    const quickPick = vscode.commands.executeCommand(CommandId.showActions);
    await sleep(500);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await within('Show Actions after its quick pick was closed', quickPick);
  });

  test('Clear Indicator returns to healthy and the cleared failures do not come back', async () => {
    const outage = await writeOutage('clear');
    await vscode.commands.executeCommand(CommandId.clearIndicator);
    const cleared = state.api.snapshot();
    assert.equal(cleared.state, 'healthy');
    assert.equal(cleared.failureCount, 0);
    assert.equal(state.api.statusView()?.text, '$(pulse)');
    // Still in the history (Recent Failures, reports), just no longer current.
    assert.ok(state.api.recentFailures(100).some((failure) => failure.requestId === outage.finalId));

    // The file grows (the user types on in that session) and a new failure arrives elsewhere: only
    // the new one counts, none of the cleared ones rejoin it.
    await state.transcripts.appendTo(outage.file, [userPrompt('try again', sessionEnvelope({ sessionId: outage.sessionId }))]);
    const session = sessionEnvelope();
    const newId = requestId();
    await state.transcripts.append(projectName('clear-after'), session.sessionId!, [
      retrySdkError(529, 'overloaded_error', 'Overloaded', newId, 1, session),
    ]);
    // On a timeout, whether the retry was read at all tells a missed file from a wrongly cleared line.
    const next = await eventually(
      'the new retry to show',
      () => ({ ...state.api.snapshot(), newRetryRead: state.api.recentFailures(100).some((failure) => failure.requestId === newId) }),
      (snapshot) => snapshot.state === 'retrying' && snapshot.failure?.requestId === newId,
    );
    assert.equal(next.failureCount, 1, 'cleared failures were counted again');
    assert.deepEqual(next.affectedSessions, [session.sessionId]);
  });

  test('a cleared failure stays cleared when a setting change rebuilds the tracker', async () => {
    const settings = new SettingsGuard();
    try {
      const outage = await writeOutage('clear-rebuild');
      await vscode.commands.executeCommand(CommandId.clearIndicator);
      assert.equal(state.api.snapshot().state, 'healthy');
      // A new quiet period rebuilds the tracker from a fresh read of the state.transcripts.
      await settings.set('quietPeriodMinutes', 11);
      await eventually(
        'the rebuilt tracker to re-read the failure',
        () => state.api.recentFailures(100),
        (failures) => failures.some((failure) => failure.requestId === outage.finalId),
      );
      // Give a wrongly restored failure a moment to show.
      await sleep(1_000);
      const after = state.api.snapshot();
      assert.equal(after.state, 'healthy', `the cleared failure came back: ${after.failure?.requestId}`);
    } finally {
      await settings.restore();
    }
  });

  test('Open Transcript at Failure opens the JSONL at the failure line, read-only', async () => {
    const outage = await writeOutage('open');
    const before = await readFile(outage.file, 'utf8');
    await within('Open Transcript at Failure', vscode.commands.executeCommand(CommandId.openTranscriptAtFailure));
    const editor = await eventually(
      'the transcript in the active editor',
      () => vscode.window.activeTextEditor,
      (active) => active?.document.uri.fsPath === outage.file,
    );
    assert.ok(editor);
    assert.equal(editor.selection.active.line, outage.finalLine - 1, 'the cursor is not on the failure line');
    assert.match(editor.document.lineAt(editor.selection.active.line).text, new RegExp(outage.finalId));

    // A read-only editor accepts the edit call but changes nothing.
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'typed by accident '));
    const changed = editor.document.isDirty || editor.document.getText() !== before;
    if (changed) await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(changed, false, 'the transcript editor is writable');
    assert.equal(await readFile(outage.file, 'utf8'), before, 'the transcript file was modified');
  });

  test('Show Recent Failures lists the newest failure and copies its request ID', async () => {
    const outage = await writeOutage('recent');
    await vscode.env.clipboard.writeText('nothing copied yet');
    const running = vscode.commands.executeCommand(CommandId.showRecentFailures);
    // First pick: the newest failure (first row); second pick: "Copy Request ID" (first action).
    await eventually(
      'the request ID chosen through both quick picks',
      async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return vscode.env.clipboard.readText();
      },
      (text) => text === outage.finalId,
    );
    await within('Show Recent Failures after its choice', running);
  });
});
