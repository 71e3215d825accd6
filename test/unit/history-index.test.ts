import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HistoryStore } from '../../src/core/history/historyStore';
import { emptyIndex, indexedEvents, indexFileFor, loadIndex, refreshIndex, saveIndex } from '../../src/core/history/index';
import { assistantText, finalFailure, retryFlat, writeConfigDir } from '../fixtures/transcripts';

const T = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
const NOW = Date.parse('2026-11-21T00:00:00.000Z');

describe('history index', () => {
  let root: string;
  let configDir: string;
  let storage: string;
  const fileA = () => path.join(configDir, 'projects', '-p', 'a.jsonl');
  const fileB = () => path.join(configDir, 'projects', '-p', 'b.jsonl');
  const failure = (minute: number, session = 'a') => finalFailure('API Error: 500 Internal server error.', { sessionId: session, timestamp: T(minute) });

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-index-'));
    storage = path.join(root, 'storage');
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-p/a.jsonl': [assistantText('ok', { sessionId: 'a', timestamp: T(0) }, 'claude-opus-4-1'), failure(1)],
      '-p/b.jsonl': [retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_b1' }, 1, { sessionId: 'b', timestamp: T(2) }), failure(3, 'b')],
    });
    // Transcripts written "today"; the index looks 30 days back from NOW.
    const now = new Date(NOW - 3_600_000);
    for (const file of [fileA(), fileB()]) await fs.utimes(file, now, now);
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  async function reopen() {
    const store = indexFileFor(storage, [configDir]);
    const index = loadIndex(store, [configDir]);
    const stats = await refreshIndex(index, { now: NOW });
    saveIndex(store, index);
    return { index, stats, times: indexedEvents(index, null).map((e) => [path.basename(e.file), e.line, e.kind, e.timestamp?.slice(14, 16)]) };
  }

  async function touch(file: string) {
    const later = new Date(NOW - 60_000 + Math.floor(Math.random() * 1000));
    await fs.utimes(file, later, later);
  }

  it('reads everything the first time and nothing when nothing changed', async () => {
    const first = await reopen();
    assert.deepEqual(first.times, [
      ['a.jsonl', 2, 'failure', '01'],
      ['b.jsonl', 1, 'retry', '02'],
      ['b.jsonl', 2, 'failure', '03'],
    ]);
    assert.deepEqual([first.stats.readWhole, first.stats.readAppended], [2, 0]);
    const again = await reopen();
    assert.deepEqual(again.times, first.times);
    assert.deepEqual([again.stats.readWhole, again.stats.readAppended, again.stats.bytesRead], [0, 0, 0]);
  });

  it('reads only the new bytes of an appended file, with true line numbers', async () => {
    const before = (await fs.stat(fileA())).size;
    const extra = failure(9) + '\n';
    await fs.appendFile(fileA(), extra);
    await touch(fileA());
    const { stats, times } = await reopen();
    assert.deepEqual([stats.readWhole, stats.readAppended, stats.bytesRead], [0, 1, Buffer.byteLength(extra)]);
    assert.deepEqual(times.at(-1), ['a.jsonl', 3, 'failure', '09']);
    assert.ok((await fs.stat(fileA())).size > before);
  });

  it('does not take half a line: a partial last line is read once it is complete', async () => {
    const line = failure(11);
    await fs.appendFile(fileA(), line.slice(0, 40));
    await touch(fileA());
    assert.equal((await reopen()).times.length, 4);
    await fs.appendFile(fileA(), line.slice(40) + '\n');
    await touch(fileA());
    const { times } = await reopen();
    assert.deepEqual(times.at(-1), ['a.jsonl', 4, 'failure', '11']);
  });

  it('reads a rewritten file again from its start', async () => {
    await fs.writeFile(fileB(), [failure(5, 'b'), failure(6, 'b'), failure(7, 'b')].join('\n') + '\n');
    await touch(fileB());
    const { stats, times } = await reopen();
    assert.deepEqual([stats.readWhole, stats.readAppended], [1, 0]);
    assert.deepEqual(times.filter((t) => t[0] === 'b.jsonl').map((t) => [t[1], t[3]]), [[1, '05'], [2, '06'], [3, '07']]);
  });

  it('reads a file replaced by another (new inode) from its start, even when longer', async () => {
    const replacement = path.join(root, 'replacement.jsonl');
    await fs.writeFile(replacement, [failure(20, 'b'), failure(21, 'b'), failure(22, 'b'), failure(23, 'b')].join('\n') + '\n');
    await fs.rename(replacement, fileB());
    await touch(fileB());
    const { stats, times } = await reopen();
    assert.equal(stats.readWhole, 1);
    assert.deepEqual(times.filter((t) => t[0] === 'b.jsonl').map((t) => t[3]), ['20', '21', '22', '23']);
  });

  it('forgets a deleted file, and files older than 30 days', async () => {
    await fs.rm(fileB());
    const { stats, times } = await reopen();
    assert.equal(stats.dropped, 1);
    assert.ok(times.every((t) => t[0] === 'a.jsonl'));
    const old = new Date(NOW - 31 * 86_400_000);
    await fs.utimes(fileA(), old, old);
    assert.deepEqual((await reopen()).times, []);
  });

  it('starts over from a corrupt or foreign index file', async () => {
    const store = indexFileFor(storage, [configDir]);
    await fs.writeFile(store, '{"format": 1, "files": [');
    assert.deepEqual(loadIndex(store, [configDir]), emptyIndex([configDir]));
    await fs.writeFile(store, JSON.stringify({ ...emptyIndex(['/elsewhere']), files: { x: {} } }));
    assert.deepEqual(loadIndex(store, [configDir]).files, {});
    assert.notEqual(indexFileFor(storage, [configDir]), indexFileFor(storage, ['/elsewhere']));
  });
});

describe('HistoryStore', () => {
  it('builds the index in a worker the first time, stores it, and then refreshes in place', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-store-'));
    try {
      const configDir = await writeConfigDir(path.join(root, 'claude'), {
        '-p/a.jsonl': [finalFailure('API Error: 500 Internal server error.', { sessionId: 'a', timestamp: T(1) })],
      });
      const storageDir = path.join(root, 'storage');
      const progress: number[][] = [];
      const store = new HistoryStore({ configDirs: [configDir], storageDir });
      const first = await store.refresh((done, total) => progress.push([done, total]));
      assert.equal(first.readWhole, 1);
      assert.deepEqual(progress, [[1, 1]]);
      assert.equal(store.events(null).length, 1);
      assert.equal(Object.keys(loadIndex(indexFileFor(storageDir, [configDir]), [configDir]).files).length, 1);
      await fs.appendFile(path.join(configDir, 'projects', '-p', 'a.jsonl'), finalFailure('API Error: 529 Overloaded', { sessionId: 'a', timestamp: T(2) }) + '\n');
      const second = await store.refresh();
      assert.equal(second.readAppended, 1);
      assert.equal(store.events(null).length, 2);
      // A new store (the editor restarted) starts from the stored index: nothing to read again.
      const reopened = await new HistoryStore({ configDirs: [configDir], storageDir }).refresh();
      assert.deepEqual([reopened.readWhole, reopened.readAppended], [0, 0]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

describe('history index, first build over several threads', () => {
  it('stores exactly what one thread stores (events, ends, line numbers, fingerprints), with progress', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-index-threads-'));
    try {
      const files: Record<string, string[]> = {};
      for (let f = 0; f < 12; f++) {
        const session = `s${f}`;
        files[`-p${f % 3}/${session}.jsonl`] = [
          assistantText('ok', { sessionId: session, timestamp: T(f) }, 'claude-opus-4-1'),
          retryFlat({ status: 529, message: 'Overloaded', requestId: `req_${f}a` }, 1, { sessionId: session, timestamp: T(f + 1) }),
          finalFailure('API Error: 500 Internal server error.', { sessionId: session, timestamp: T(f + 2) }),
        ];
      }
      const configDir = await writeConfigDir(path.join(root, 'claude'), files);
      // One file ends in half a line: neither reading takes it.
      await fs.appendFile(path.join(configDir, 'projects', '-p0', 's0.jsonl'), '{"type":"assist');
      const build = async (threads: number) => {
        const index = emptyIndex([configDir]);
        const progress: number[][] = [];
        const stats = await refreshIndex(index, { now: NOW, oldestMs: 0, threads, onProgress: (done, total) => progress.push([done, total]) });
        return { index, stats, progress };
      };
      const one = await build(1);
      const three = await build(3);
      assert.deepEqual(three.index, one.index);
      assert.deepEqual(three.stats, one.stats);
      assert.deepEqual(three.progress.at(-1), [12, 12]);
      assert.equal(indexedEvents(three.index, null).length, 24);
      // A later refresh of the parallel-built index reads only what was appended.
      await fs.appendFile(path.join(configDir, 'projects', '-p1', 's1.jsonl'), finalFailure('API Error: 529 Overloaded', { sessionId: 's1', timestamp: T(30) }) + '\n');
      const later = await refreshIndex(three.index, { now: NOW, oldestMs: 0, threads: 3 });
      assert.deepEqual([later.readWhole, later.readAppended], [0, 1]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
