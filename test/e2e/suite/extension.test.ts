import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json';

const extensionId = `${manifest.publisher}.${manifest.name}`;

/** Waits for activation through the manifest's own activation events rather than forcing it. */
async function waitUntilActive(extension: vscode.Extension<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!extension.isActive && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

suite('Extension', () => {
  test(`${extensionId} is installed and activates by itself`, async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    assert.equal(extension.packageJSON.version, manifest.version);
    await waitUntilActive(extension, 20_000);
    assert.ok(extension.isActive, `${extensionId} did not activate within 20 s`);
  });
});
