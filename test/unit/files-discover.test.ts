import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigDirError, listTranscriptFiles } from '../../src/core/files/discover';

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
