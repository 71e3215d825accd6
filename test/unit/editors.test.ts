// The editors the real-editor tests run in, against what the extension promises (engines.vscode): the oldest
// one tested is the oldest one accepted, and the API types are that release's, so nothing newer is used
// unguarded. The desktop run (.vscode-test.mjs) starts at the same release.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EDITORS, editorLabel, parseEditorList, selectedEditor } from '../../scripts/e2e/install-code-server';

const repoRoot = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
};
const majorMinor = (version: string) => version.split('.').slice(0, 2).join('.');

test('the oldest editor tested is the oldest engines.vscode accepts, and the API types are of that release', () => {
  assert.match(manifest.engines.vscode, /^\^\d+\.\d+\.0$/);
  const floor = majorMinor(manifest.engines.vscode.slice(1));
  assert.equal(majorMinor(EDITORS.minimum.vscode), floor);
  assert.equal(majorMinor(manifest.devDependencies['@types/vscode']!.replace(/^~/, '')), floor);
  const testConfig = readFileSync(path.join(repoRoot, '.vscode-test.mjs'), 'utf8');
  assert.ok(testConfig.includes(`label: 'desktop-minimum', version: '${floor}.0'`), 'desktop-minimum runs the engine floor');
  assert.match(testConfig, /label: 'desktop-stable', version: 'stable'/);
});

test('the newest editor is newer than the minimum, on the Node major its code-server release requires', () => {
  const [minMajor, minMinor] = EDITORS.minimum.vscode.split('.').map(Number);
  const [newMajor, newMinor] = EDITORS.newest.vscode.split('.').map(Number);
  assert.ok(newMajor! > minMajor! || newMinor! > minMinor!);
  assert.equal(EDITORS.minimum.node.split('.')[0], '20');
  assert.equal(EDITORS.newest.node.split('.')[0], '24');
  assert.equal(editorLabel(EDITORS.newest), `VS Code ${EDITORS.newest.vscode} (code-server ${EDITORS.newest.codeServer}, Node 24)`);
});

test('CAW_E2E_EDITOR and CAW_E2E_EDITORS pick editors by name, all of them by default', () => {
  assert.equal(selectedEditor({}).id, 'minimum');
  assert.equal(selectedEditor({ CAW_E2E_EDITOR: 'newest' }).id, 'newest');
  assert.throws(() => selectedEditor({ CAW_E2E_EDITOR: 'insiders' }), /CAW_E2E_EDITOR=insiders: expected minimum or newest/);
  assert.deepEqual(parseEditorList(undefined).map((editor) => editor.id), ['minimum', 'newest']);
  assert.deepEqual(parseEditorList('all').map((editor) => editor.id), ['minimum', 'newest']);
  assert.deepEqual(parseEditorList(' newest ').map((editor) => editor.id), ['newest']);
});
