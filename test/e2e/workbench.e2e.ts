// The extension as users get it: the packaged .vsix installed into a real VS Code (code-server), one
// server session for every check here. Run through `npm run test:e2e`, which installs code-server,
// packages the extension and bundles the in-host suite first.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  editor,
  findLeftovers,
  makeTempDir,
  openWorkbench,
  readOutputLog,
  repoRoot,
  runExtensionTests,
  startCodeServer,
  type CodeServerSession,
} from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const suiteEntry = path.join(repoRoot, 'out', 'e2e-suite', 'index.js');

/** Polls until `read` returns something `accept` likes; returns the last value either way. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

// Generous: on two busy cores a cold workbench takes up to a minute, and the suite waits out a one-minute quiet period.
describe(`Claude API Watch in ${editor.label}`, { timeout: 600_000 }, () => {
  let session: CodeServerSession | undefined;
  let claudeConfigDir: string;

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    assert.ok(existsSync(suiteEntry), `${suiteEntry} is missing: run npm run test:e2e (it bundles the suite first)`);
    claudeConfigDir = await makeTempDir('claude');
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: { CLAUDE_CONFIG_DIR: claudeConfigDir },
      extensionTests: true,
      // Tests talk only to 127.0.0.1: no status page look-ups.
      settings: { 'claudeAPIWatch.anthropicStatus.enabled': false },
    });
  });

  after(async () => {
    await session?.stop();
    await rm(claudeConfigDir, { recursive: true, force: true });
  });

  test('the workbench loads and the output channel says the extension activated', async () => {
    const workbench = await openWorkbench(session!);
    try {
      // The channel exists once the extension has activated, which on two busy cores can take a while
      // after the workbench shows: wait for its log file first, then read the channel in the Output view.
      const activated = (value: string) => /Claude API Watch \S+ activated/.test(value);
      await eventually(() => readOutputLog(session!, 'Claude API Watch').catch(() => ''), activated, 90_000);
      const text = await eventually(
        () => workbench.outputChannelText('Claude API Watch'),
        activated,
      );
      await workbench.screenshot('smoke-output-channel');
      assert.ok(activated(text), text);
    } finally {
      await workbench.close();
    }
  });

  test('the extension-host suite passes', async () => {
    // The suite waits out a real one-minute quiet period once.
    // Its lines are shown as they come, so a stalled suite shows where it stopped.
    const result = await runExtensionTests(session!, suiteEntry, 420_000, (line) => console.log(`  in-host: ${line}`));
    const log = result.log.join('\n');
    assert.equal(result.exitCode, 0, `extension-host suite failed:\n${log}`);
    assert.match(log, /passing/);
  });

  test('stopping leaves no process and no temp folder behind', async () => {
    await session!.stop();
    await rm(claudeConfigDir, { recursive: true, force: true });
    assert.deepEqual(findLeftovers(), { processes: [], tempDirs: [] });
  });
});
