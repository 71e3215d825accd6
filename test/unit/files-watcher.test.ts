import assert from 'node:assert/strict';
import { appendFile, chmod, mkdir, mkdtemp, open, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ConfigDirError } from '../../src/core/files/discover';
import { TranscriptWatcher, type TranscriptWatcherOptions, type WatchMode } from '../../src/core/files/watcher';
import { mkfifo, plantHostileEntries } from '../fixtures/hostileEntries';
import { asUnprivileged } from '../support/unprivileged';

const HOUR = 60 * 60 * 1000;

interface Delivered {
  file: string;
  text: string;
  lineNumber: number;
}

/** Waits until `check` holds; the limit only turns a hang into a clear failure (no speed is asserted). */
async function waitFor(what: string, check: () => boolean, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function put(file: string, content: string, mtimeMs?: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  if (mtimeMs !== undefined) await utimes(file, mtimeMs / 1000, mtimeMs / 1000);
}

/** Handles and requests the event loop is waiting on, by kind (watchers are FSEventWrap). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

describe('TranscriptWatcher', () => {
  let root: string;
  let configDir: string;
  let projects: string;
  let watcher: TranscriptWatcher | null;
  let delivered: Delivered[];
  let gone: string[];
  let problems: { file: string; error: Error }[];

  const start = async (options: Partial<TranscriptWatcherOptions> = {}): Promise<TranscriptWatcher> => {
    watcher = new TranscriptWatcher([configDir], {
      onLine: (file, line, lineNumber) => delivered.push({ file, text: line.toString('utf8'), lineNumber }),
      onFileGone: (file) => gone.push(file),
      onProblem: (file, error) => problems.push({ file, error }),
      safetyPollMs: 100,
      ...options,
    });
    await watcher.start();
    return watcher;
  };
  const linesOf = (file: string) => delivered.filter((d) => d.file === file).map((d) => [d.text, d.lineNumber]);

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'files-watcher-'));
    configDir = path.join(root, 'claude');
    projects = path.join(configDir, 'projects');
    await mkdir(projects, { recursive: true });
    watcher = null;
    delivered = [];
    gone = [];
    problems = [];
  });
  afterEach(async () => {
    watcher?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('reads files within the lookback from the start, and of older files only what is appended', async () => {
    const recent = path.join(projects, '-p', 'recent.jsonl');
    const old = path.join(projects, '-p', 'old.jsonl');
    await put(recent, 'r1\nr2\n', Date.now() - HOUR);
    await put(old, 'o1\no2\n', Date.now() - 48 * HOUR);
    await start();
    assert.deepEqual(linesOf(recent), [['r1', 1], ['r2', 2]]);
    assert.deepEqual(linesOf(old), []);
    await appendFile(old, 'o3\n');
    await waitFor('the line appended to the old file', () => linesOf(old).length === 1);
    assert.deepEqual(linesOf(old), [['o3', 3]]);
  });

  for (const mode of ['per-directory', 'recursive', 'poll'] as WatchMode[]) {
    describe(`in ${mode} mode`, () => {
      const options = (): Partial<TranscriptWatcherOptions> =>
        mode === 'poll' ? { watchMode: mode, safetyPollMs: 50, rediscoverMs: 50 } : { watchMode: mode, safetyPollMs: 60_000, rediscoverMs: 60_000 };

      it('delivers appended lines, new sessions, new projects and subagent files live', async () => {
        const session = path.join(projects, '-home-u-app', 'sess-1.jsonl');
        await put(session, 'first\n');
        await start(options());
        assert.deepEqual(linesOf(session), [['first', 1]]);

        await appendFile(session, 'second\npart');
        await waitFor('an appended line', () => linesOf(session).length === 2);
        await appendFile(session, 'ial\n');
        await waitFor('a completed partial line', () => linesOf(session).length === 3);
        assert.deepEqual(linesOf(session), [['first', 1], ['second', 2], ['partial', 3]]);

        const newSession = path.join(projects, '-home-u-app', 'sess-2.jsonl');
        await writeFile(newSession, 'hello\n');
        await waitFor('a new session file', () => linesOf(newSession).length === 1);

        const newProject = path.join(projects, '-home-u-other', 'sess-3.jsonl');
        await put(newProject, 'elsewhere\n');
        await waitFor('a file in a new project folder', () => linesOf(newProject).length === 1);

        const subagent = path.join(projects, '-home-u-app', 'sess-1', 'subagents', 'agent-abc.jsonl');
        await put(subagent, 'sub 1\n');
        await waitFor('a subagent file in a new folder', () => linesOf(subagent).length === 1);
        await appendFile(subagent, 'sub 2\n');
        await waitFor('a line appended to the subagent file', () => linesOf(subagent).length === 2);

        const legacyAgent = path.join(projects, '-home-u-other', 'agent-def.jsonl');
        await writeFile(legacyAgent, 'agent\n');
        await waitFor('a 2.0.x agent file', () => linesOf(legacyAgent).length === 1);
        assert.deepEqual(problems, []);
      });

      // A chmod changes neither size nor time: the poll must still ask again (found by the chaos run).
      it('reads a transcript once its read permission is given back', { skip: process.platform === 'win32' }, async () => {
        for (const dir of [root, configDir, projects]) await chmod(dir, 0o777);
        await asUnprivileged(async () => {
          const locked = path.join(projects, '-p', 'locked.jsonl');
          await put(locked, 'held back\n');
          await chmod(locked, 0o200);
          // Not every OS watcher reports a chmod (Node's recursive one on Linux does not): the safety poll does.
          await start({ ...options(), safetyPollMs: 50 });
          await waitFor('the unreadable file to be named', () => problems.some((p) => p.file === locked));
          assert.deepEqual(linesOf(locked), []);
          await chmod(locked, 0o600);
          await waitFor('the line once readable', () => linesOf(locked).length === 1);
          assert.deepEqual(linesOf(locked), [['held back', 1]]);
          watcher?.dispose();
        });
      });

      it('notices a deleted file and reads a recreated one from line 1', async () => {
        const session = path.join(projects, '-p', 's.jsonl');
        await put(session, 'a\nb\n');
        await start(options());
        await unlink(session);
        await waitFor('the deletion', () => gone.includes(session));
        await writeFile(session, 'c\n');
        await waitFor('the recreated file', () => linesOf(session).length === 3);
        assert.deepEqual(linesOf(session), [['a', 1], ['b', 2], ['c', 1]]);
      });
    });
  }

  it('picks up a projects dir that appears after start', async () => {
    await rm(projects, { recursive: true });
    await start({ safetyPollMs: 50 });
    const session = path.join(projects, '-p', 's.jsonl');
    await put(session, 'late\n');
    await waitFor('a file in the late projects dir', () => linesOf(session).length === 1);
    await appendFile(session, 'later\n');
    await waitFor('a live append there', () => linesOf(session).length === 2);
  });

  it('follows an old session that comes back to life, including its subagents', async () => {
    const old = Date.now() - 72 * HOUR;
    const session = path.join(projects, '-p', 'old.jsonl');
    const agent = path.join(projects, '-p', 'old', 'subagents', 'agent-1.jsonl');
    await put(session, 'x\n', old);
    await put(agent, 'y\n', old);
    await utimes(path.dirname(agent), old / 1000, old / 1000);
    await utimes(path.dirname(path.dirname(agent)), old / 1000, old / 1000);
    await start({ watchMode: 'per-directory', safetyPollMs: 60_000, rediscoverMs: 60_000 });
    const before = watcher!.watcherCount;
    await appendFile(session, 'resumed\n');
    await waitFor('the resumed session', () => linesOf(session).length === 1);
    await waitFor('watchers on its session folder', () => watcher!.watcherCount === before + 2);
    await appendFile(agent, 'subagent again\n');
    await waitFor('the resumed subagent', () => linesOf(agent).length === 1);
    assert.deepEqual(linesOf(agent), [['subagent again', 2]]);
  });

  it('rejects start() with ConfigDirError for a missing config dir', async () => {
    await rm(configDir, { recursive: true });
    await assert.rejects(start(), ConfigDirError);
  });

  it('reports an unreadable transcript once and keeps following the others', async () => {
    await put(path.join(projects, '-p', 'fine.jsonl'), 'ok\n');
    await start({ watchMode: 'per-directory', safetyPollMs: 20 });
    const odd = path.join(projects, '-p', 'odd.jsonl');
    mkfifo(odd); // named like a transcript, but a FIFO: never opened
    await waitFor('the problem report', () => problems.length === 1);
    assert.equal(problems[0].file, odd);
    assert.match(problems[0].error.message, /not a regular file/);
    await appendFile(path.join(projects, '-p', 'fine.jsonl'), 'still\n');
    await waitFor('the other file', () => delivered.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 200)); // several safety polls
    assert.equal(problems.length, 1);
  });

  it('takes a folder named like a transcript for a folder, and reads what it holds', async () => {
    await start({ watchMode: 'per-directory', safetyPollMs: 20 });
    const folder = path.join(projects, '-p', 'folder.jsonl');
    await mkdir(folder, { recursive: true });
    const inside = path.join(folder, 'inside.jsonl');
    await writeFile(inside, 'held\n');
    await waitFor('the transcript inside', () => linesOf(inside).length === 1);
    assert.deepEqual(problems, []);
  });

  for (const mode of ['per-directory', 'poll'] as const) {
    it(`keeps following live with loops, FIFOs, a socket and dangling links about, naming each once (${mode})`, { skip: process.platform === 'win32' }, async () => {
      const planted = await plantHostileEntries(path.join(projects, '-hostile'));
      try {
        const fine = path.join(projects, '-p', 'fine.jsonl');
        await put(fine, 'first\n');
        await start({ watchMode: mode, safetyPollMs: 20, rediscoverMs: 50 });
        assert.deepEqual(linesOf(fine), [['first', 1]]);
        await waitFor('every planted entry to be named', () => problems.length >= planted.expected.length);
        // Faults that appear while watching: a loop and a FIFO, each followed by a live append elsewhere.
        const lateLoop = path.join(projects, '-p', 'late-loop.jsonl');
        await symlink(path.basename(lateLoop), lateLoop);
        await appendFile(fine, 'second\n');
        await waitFor('the line after the loop', () => linesOf(fine).length === 2);
        const lateFifo = path.join(projects, '-p', 'late-fifo.jsonl');
        mkfifo(lateFifo);
        const other = path.join(projects, '-new', 'other.jsonl');
        await put(other, 'elsewhere\n');
        await waitFor('a new file after the FIFO', () => linesOf(other).length === 1);
        const expected = [...planted.expected.map((e) => [e.path, e.code]), [lateLoop, 'ELOOP'], [lateFifo, 'ENOTREG']].sort();
        await waitFor('the late entries to be named', () => problems.length >= expected.length);
        await new Promise((resolve) => setTimeout(resolve, 300)); // several polls and walks: still once each
        assert.deepEqual(problems.map((p) => [p.file, (p.error as NodeJS.ErrnoException).code]).sort(), expected);
        assert.deepEqual(watcher!.skippedEntries().map((e) => [e.path, e.code]), expected);
        assert.deepEqual(linesOf(fine), [['first', 1], ['second', 2]]);
        // A fixed entry leaves the list.
        await unlink(lateLoop);
        await waitFor('the removed loop to leave the list', () => !watcher!.skippedEntries().some((e) => e.path === lateLoop));
      } finally {
        await planted.close();
      }
    });
  }

  it('reads a transcript truncated and rewritten in place, longer than before, from its start', async () => {
    const file = path.join(projects, '-p', 's.jsonl');
    await put(file, 'a1\na2\na3\n');
    await start({ watchMode: 'per-directory', safetyPollMs: 20 });
    await waitFor('the first lines', () => linesOf(file).length === 3);
    const handle = await open(file, 'r+'); // same inode
    await handle.truncate(0);
    await handle.write(Array.from({ length: 30 }, (_, i) => `b${i + 1}\n`).join(''), 0);
    await handle.close();
    await waitFor('all 30 new lines', () => linesOf(file).length === 33);
    assert.deepEqual(linesOf(file).slice(3), Array.from({ length: 30 }, (_, i) => [`b${i + 1}`, i + 1]));
    assert.deepEqual(gone, [file]);
  });

  it('leaves no watcher, timer or pending read behind after dispose()', async () => {
    const baseline = activeResources();
    const session = path.join(projects, '-p', 's.jsonl');
    await put(session, 'a\n');
    await put(path.join(projects, '-p', 's', 'subagents', 'agent-1.jsonl'), 'b\n');
    const w = await start({ watchMode: 'per-directory', safetyPollMs: 20 });
    assert.ok(w.watcherCount >= 4, `expected watchers on projects, the project, the session and subagents; got ${w.watcherCount}`);
    assert.ok((activeResources().get('FSEventWrap') ?? 0) >= 4);
    await appendFile(session, 'c\n'); // an event and a debounce timer in flight
    w.dispose();
    assert.equal(w.watcherCount, 0);
    const count = delivered.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(delivered.length, count, 'no lines after dispose()');
    const after = activeResources();
    assert.equal(after.get('FSEventWrap') ?? 0, baseline.get('FSEventWrap') ?? 0, 'watchers left open');
    assert.equal(after.get('Timeout') ?? 0, baseline.get('Timeout') ?? 0, 'timers left running');
  });
});
