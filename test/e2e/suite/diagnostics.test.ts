// Run Diagnostics and the format canary, in the real extension host: an error line of unknown shape
// beside a known one is counted, shown quietly in the tooltip and in the diagnostics, never dropped.
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/core/commandIds';
import { finalFailure, unknownShapeFailure } from '../../fixtures/transcripts';
import { eventually, projectName, requestId, sessionEnvelope, useFreshState, within } from './support';

suite('Diagnostics and unknown transcript formats', () => {
  const state = useFreshState();

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an unknown-shaped error line is counted and offered in the tooltip; the known one beside it is shown', async () => {
    const session = sessionEnvelope({ version: '2.1.260' });
    const known = requestId();
    await state.transcripts.append(projectName('canary'), session.sessionId!, [
      unknownShapeFailure(session),
      finalFailure('API Error: 500 Internal server error.', session, { apiErrorStatus: 500, requestId: known }),
    ]);
    // Both at once: an unknown line counted by an earlier suite (Bad input, when it runs first) can
    // put the offer in the tooltip before these lines are read.
    const { view } = await eventually(
      'the known failure shown and the unknown line offered for a report',
      () => ({ view: state.api.statusView(), current: state.api.snapshot().failure?.requestId }),
      ({ view, current }) => current === known && /in a transcript format this release cannot read/.test(view.tooltipMarkdown),
    );
    assert.ok(view.tooltipMarkdown.includes(`(command:${CommandId.reportUnknownFormat})`));
  });

  test('Run Diagnostics opens a redacted, read-only Markdown document with the unknown shapes', async () => {
    await within('Run Diagnostics', vscode.commands.executeCommand(CommandId.runDiagnostics));
    const editor = await eventually(
      'the diagnostics document',
      () => vscode.window.activeTextEditor,
      (e) => e?.document.uri.scheme === 'claude-api-watch-diagnostics',
    );
    const document = editor!.document;
    const text = document.getText();
    assert.equal(document.languageId, 'markdown');
    assert.match(text, /^# Claude API Watch diagnostics/);
    assert.match(text, /## Config dirs/);
    assert.match(text, /chosen by CLAUDE_CONFIG_DIR\): ok/);
    assert.match(text, /## Unknown transcript shapes/);
    assert.match(text, /failure:\{detail:\{kind:string,reason:string\},httpCode:number\}/);
    assert.ok(!text.includes('maintenance'), 'no value from the unknown line');
    assert.match(text, /Last line written: \S+; last line read by the monitor: \S+/);
    assert.ok(!text.includes(os.homedir() + '/'), 'the home directory is redacted');
    // Read-only: a read-only editor accepts the edit call but changes nothing.
    await editor!.edit((edit) => edit.insert(new vscode.Position(0, 0), 'typed by accident '));
    assert.equal(document.getText(), text, 'the diagnostics document is writable');
    assert.equal(document.isDirty, false);
  });
});
