// What a contributor without root meets when the real-editor tests cannot install what they need:
// a message naming each missing Debian package and the one command that installs them, and nothing
// attempted. Run as `nobody` (when the tests run as root) with a PATH that lacks the build tools.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { NOBODY } from '../support/unprivileged';

const repoRoot = path.resolve(__dirname, '..', '..');

function runAs(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, env, ...asNobody });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('real-editor prerequisites off root', { skip: process.platform !== 'linux' || process.arch !== 'x64' ? 'the code-server path is Linux x64 only' : false }, () => {
  it('names every missing package and the apt-get line, and tries no install', async () => {
    // A PATH with node alone: make, g++ and python3 are missing whatever this machine has.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'caw-prereq-bin-'));
    try {
      await symlink(process.execPath, path.join(bin, 'node'));
      const { code, stdout, stderr } = await runAs(
        `const { codeServerBlocker } = require('./scripts/e2e/prerequisites.ts');
         const logged = [];
         codeServerBlocker({ log: (m) => logged.push(m) }).then((why) => console.log(JSON.stringify({ why, logged })));`,
        { PATH: bin, HOME: os.tmpdir(), TMPDIR: os.tmpdir() },
      );
      assert.equal(code, 0, stderr);
      const { why, logged } = JSON.parse(stdout.trim().split('\n').pop()!) as { why?: string; logged: string[] };
      assert.deepEqual(logged, [], 'nothing installed without root');
      assert.ok(why, 'a reason is given');
      for (const needed of ['make', 'g++', 'python3']) assert.ok(why.includes(needed), `${needed} named in: ${why}`);
      assert.match(why, /sudo apt-get install [^\n]*make g\+\+ python3/);
      assert.match(why, /npm test does this itself when run as root/);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
