// Chaos against the transcript watcher (test/support/chaos.ts): a small fixed-seed run here, a
// larger one in `npm run bench`. Plus `watch` from the command line with FIFOs about: it reports,
// and Ctrl-C ends it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { plantHostileEntries } from '../fixtures/hostileEntries';
import { finalFailure, writeConfigDir } from '../fixtures/transcripts';
import { runChaos } from '../support/chaos';
import { canDropRoot } from '../support/unprivileged';

const posixOnly = process.platform === 'win32' ? 'FIFOs, sockets and modes are POSIX' : false;

describe('transcript watcher under chaos', { skip: posixOnly }, () => {
  for (const watchMode of ['per-directory', 'poll'] as const) {
    it(`delivers every complete line once (or again after a reset), stays live after each fault, names each bad entry once (${watchMode})`, async () => {
      const counts = await runChaos({ seed: watchMode === 'poll' ? 0xc4a05 : 0xc4a0, steps: watchMode === 'poll' ? 30 : 80, subjects: 12, fillers: 40, longLineBytes: 700_000, watchMode });
      assert.ok(counts.fifos >= 5 && counts.loops >= 1 && counts.sockets >= 1 && counts.danglingLinks >= 1 && counts.folders >= 1);
      assert.ok(counts.rewritesLonger >= 1 && counts.rewritesShorter >= 1 && counts.truncations >= 1 && counts.renames >= 1 && counts.recreations >= 1);
      assert.ok(counts.permissionFlips >= 2);
      assert.ok(counts.rotations >= 2 && counts.aliases >= 2 && counts.folderRecreations >= 1 && counts.sameSizeRewrites >= 1 && counts.oddNames >= 3);
      if (!canDropRoot && process.getuid?.() === 0) assert.fail('running as root without seteuid: permission flips would prove nothing');
    });
  }
});

describe('claude-api-watch watch with FIFOs in the config dir', { skip: posixOnly }, () => {
  it('reports a failure written to another transcript, and exits 0 on SIGINT', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-fifo-'));
    const configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [] });
    const planted = await plantHostileEntries(path.join(configDir, 'projects', '-w'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/cli.ts'), 'watch', '--json', '--config-dir', configDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!check()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitFor('watch to say it is live', () => stderr.includes('Watching '));
      await fs.appendFile(path.join(configDir, 'projects', '-w', 's1.jsonl'), finalFailure('API Error: 529 Overloaded', { timestamp: new Date().toISOString() }) + '\n');
      await waitFor('the failure on stdout', () => stdout.includes('"status":529'));
      for (const entry of planted.expected) assert.ok(stderr.includes(`${entry.path}: `), `${entry.path} not named: ${stderr}`);
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      await planted.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
