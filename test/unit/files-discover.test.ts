import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigDirError, listTranscriptFiles, type SkippedEntry } from '../../src/core/files/discover';
import { plantHostileEntries } from '../fixtures/hostileEntries';
import { asUnprivileged } from '../support/unprivileged';

const HOUR = 60 * 60 * 1000;

async function put(file: string, content: string, mtimeMs: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await utimes(file, mtimeMs / 1000, mtimeMs / 1000);
}

describe('listTranscriptFiles', () => {
  let root: string;
  let configDir: string;
  const now = Date.now();

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'files-discover-'));
    configDir = path.join(root, 'claude');
    const projects = path.join(configDir, 'projects');
    // The three layouts, each at a known age.
    await put(path.join(projects, '-home-u-app', 'sess-1.jsonl'), '{}\n', now - 3 * HOUR);
    await put(path.join(projects, '-home-u-app', 'sess-2', 'subagents', 'agent-a1.jsonl'), '{}\n{}\n', now - 1 * HOUR);
    await put(path.join(projects, '-home-u-app', 'sess-2.jsonl'), '{}\n', now - 2 * HOUR);
    await put(path.join(projects, '-home-u-lib', 'agent-b2.jsonl'), '{}\n', now - 48 * HOUR);
    // Not transcripts.
    await put(path.join(projects, '-home-u-lib', 'notes.txt'), 'x', now);
    await put(path.join(projects, '-home-u-lib', 'sess-3', 'tool-results', 'out.txt'), 'x', now);
    await put(path.join(configDir, 'history.jsonl'), '{}\n', now);
    await mkdir(path.join(projects, '-home-u-lib', 'dir.jsonl'));
    // A symlink loop must end the walk, not hang it.
    await symlink(path.join(projects, '-home-u-app'), path.join(projects, '-home-u-app', 'sess-2', 'loop'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds every layout, oldest modification first, with size and mtime', async () => {
    const files = await listTranscriptFiles([configDir]);
    const rel = files.map((f) => path.relative(path.join(configDir, 'projects'), f.path));
    assert.deepEqual(rel, [
      path.join('-home-u-lib', 'agent-b2.jsonl'),
      path.join('-home-u-app', 'sess-1.jsonl'),
      path.join('-home-u-app', 'sess-2.jsonl'),
      path.join('-home-u-app', 'sess-2', 'subagents', 'agent-a1.jsonl'),
    ]);
    assert.equal(files[3].size, 6);
    assert.ok(Math.abs(files[0].mtimeMs - (now - 48 * HOUR)) < 1000);
  });

  it('keeps only files modified since a time', async () => {
    const files = await listTranscriptFiles([configDir], { modifiedSinceMs: now - 2.5 * HOUR });
    assert.deepEqual(files.map((f) => path.basename(f.path)), ['sess-2.jsonl', 'agent-a1.jsonl']);
  });

  it('lists a file reachable from two config dirs once', async () => {
    const alias = path.join(root, 'alias');
    await symlink(configDir, alias);
    const files = await listTranscriptFiles([configDir, alias]);
    assert.equal(files.length, 4);
  });

  it('yields nothing for a config dir without a projects dir', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    assert.deepEqual(await listTranscriptFiles([empty]), []);
  });

  it('throws ConfigDirError for a missing config dir', async () => {
    const missing = path.join(root, 'missing');
    await assert.rejects(listTranscriptFiles([missing]), (error: unknown) => {
      assert.ok(error instanceof ConfigDirError);
      assert.equal(error.problem, 'missing');
      assert.equal(error.configDir, missing);
      assert.equal(error.message, `no Claude Code config dir at ${missing}`);
      return true;
    });
  });

  it('throws ConfigDirError for a config dir that cannot be listed', async () => {
    const notADir = path.join(root, 'file-not-dir');
    await writeFile(notADir, 'x');
    await assert.rejects(listTranscriptFiles([notADir]), (error: unknown) => {
      assert.ok(error instanceof ConfigDirError);
      assert.equal(error.problem, 'not-a-directory');
      assert.match(error.message, /is not a directory/);
      return true;
    });
  });

  it('throws ConfigDirError when the projects dir is not a readable directory', async () => {
    const odd = path.join(root, 'odd');
    await mkdir(odd);
    await writeFile(path.join(odd, 'projects'), 'x');
    await assert.rejects(listTranscriptFiles([odd]), (error: unknown) => {
      assert.ok(error instanceof ConfigDirError);
      assert.equal(error.problem, 'unreadable');
      assert.match(error.message, /cannot read the Claude Code config dir/);
      return true;
    });
  });
});

describe('listTranscriptFiles with entries it cannot use', { skip: process.platform === 'win32' ? 'FIFOs, sockets and modes are POSIX' : false }, () => {
  it('names each one once, skips it, and lists every readable transcript', async () => {
    // As `nobody` when run as root, so that permission bits hold.
    await asUnprivileged(async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'files-discover-hostile-'));
      const projects = path.join(root, 'claude', 'projects');
      const planted = await plantHostileEntries(path.join(projects, '-hostile'));
      try {
        const now = Date.now();
        await put(path.join(projects, '-hostile', 'fine.jsonl'), '{}\n', now);
        await put(path.join(projects, '-hostile', 'folder.jsonl', 'inside.jsonl'), '{}\n', now);
        await put(path.join(projects, '-other', 'also-fine.jsonl'), '{}\n', now);
        // A folder that cannot be listed, and one that can be listed but not entered.
        await put(path.join(projects, '-closed', 'hidden.jsonl'), '{}\n', now);
        await chmod(path.join(projects, '-closed'), 0o300);
        await put(path.join(projects, '-unenterable', 'a.jsonl'), '{}\n', now);
        await put(path.join(projects, '-unenterable', 'b.jsonl'), '{}\n', now);
        await chmod(path.join(projects, '-unenterable'), 0o600);

        const skipped: SkippedEntry[] = [];
        const files = await listTranscriptFiles([path.join(root, 'claude')], { onSkipped: (entry) => skipped.push(entry) });
        assert.deepEqual(
          files.map((f) => path.relative(projects, f.path)).sort(),
          ['-hostile/fine.jsonl', '-hostile/folder.jsonl/inside.jsonl', '-other/also-fine.jsonl'],
        );
        const expected = [
          ...planted.expected,
          { path: path.join(projects, '-closed'), code: 'EACCES' },
          { path: path.join(projects, '-unenterable'), code: 'EACCES' },
        ].sort((a, b) => (a.path < b.path ? -1 : 1));
        assert.deepEqual(
          skipped.map(({ path: p, code }) => ({ path: p, code })).sort((a, b) => (a.path < b.path ? -1 : 1)),
          expected,
        );
        const reasons = new Map(skipped.map((entry) => [path.basename(entry.path), entry.reason]));
        assert.equal(reasons.get('loop.jsonl'), 'a symbolic link loop');
        assert.equal(reasons.get('fifo-1.jsonl'), 'a FIFO, not a regular file');
        assert.equal(reasons.get('socket.jsonl'), 'a socket, not a regular file');
        assert.equal(reasons.get('dangling.jsonl'), 'a symbolic link to nothing');
        assert.equal(reasons.get('-unenterable'), 'the folder can be listed but not entered');
      } finally {
        await planted.close();
        await chmod(path.join(projects, '-closed'), 0o700).catch(() => {});
        await chmod(path.join(projects, '-unenterable'), 0o700).catch(() => {});
        await rm(root, { recursive: true, force: true });
      }
    });
  });
});
