// `npm start -- --demo`: it opens on a watched transcript (not "Not watching"), and stops with whatever
// stops npm, also a signal to npm's own pid, which never reaches node through npm's shell.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_STEPS, writeDemoOutage } from '../../scripts/demo-outage';

const repoRoot = path.resolve(__dirname, '../..');

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start -- --demo', () => {
  it('writes its first step (a request that succeeds) at once, and the outage only once the editor is ready', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'caw-demo-'));
    try {
      let go!: () => void;
      const ready = new Promise<void>((resolve) => (go = resolve));
      const steps: number[] = [];
      const done = writeDemoOutage(dir, { cwd: '/work/demo-project', stepDelayMs: 1, ready, onStep: (_step, index) => steps.push(index) });
      await waitFor('the first step', () => steps.length === 1);
      const [folder] = await readdir(path.join(dir, 'projects'));
      const [file] = await readdir(path.join(dir, 'projects', folder));
      const lines = (await readFile(path.join(dir, 'projects', folder, file), 'utf8')).trim().split('\n');
      assert.equal(lines.length, 2, 'a prompt and its answer: a transcript to watch, healthy');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(steps, [0], 'nothing more before the editor is ready');
      go();
      await done;
      assert.deepEqual(steps, DEMO_STEPS.map((_step, index) => index));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops when the process that started it is gone: SIGTERM to npm's pid kills only npm's shell", { skip: process.platform === 'win32' }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'caw-orphan-'));
    const child = path.join(dir, 'child.mjs');
    const stopped = path.join(dir, 'stopped');
    const pidFile = path.join(dir, 'pid');
    await writeFile(
      child,
      [
        `import { writeFileSync } from 'node:fs';`,
        `import { stopWhenOrphaned } from ${JSON.stringify(path.join(repoRoot, 'scripts', 'stopWhenOrphaned.ts'))};`,
        `writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`,
        `stopWhenOrphaned(() => { writeFileSync(${JSON.stringify(stopped)}, 'stopped'); process.exit(0); }, 50);`,
        `setInterval(() => {}, 1000);`,
      ].join('\n'),
    );
    // As npm runs a script: a shell that runs node (and, like dash, does not pass signals on).
    const shell = spawn('/bin/sh', ['-c', `"${process.execPath}" --import tsx "${child}"; echo done`], { cwd: repoRoot, stdio: 'ignore' });
    try {
      await waitFor('the child to start', () => existsSync(pidFile));
      const pid = Number(await readFile(pidFile, 'utf8'));
      assert.notEqual(pid, shell.pid, 'node runs under the shell, not in its place');
      shell.kill('SIGTERM');
      await waitFor('the child to stop itself', () => existsSync(stopped));
      await waitFor('the child to exit', () => !alive(pid));
    } finally {
      shell.kill('SIGKILL');
      if (existsSync(pidFile)) {
        const pid = Number(await readFile(pidFile, 'utf8'));
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});
