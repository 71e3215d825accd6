// The watcher is never blind and never counts twice: the five situations it used to get wrong,
// each with real files and the real watcher, in every watch mode where it applies.
// - `projects/` deleted and made again while watching: re-attached by an event or the safety poll,
//   never only by the slow rediscovery;
// - a transcript whose name is not valid UTF-8: read by `scan` and `watch`, under an escaped path;
// - a rewrite in place of the same size under the same mtime: read again;
// - rename rotation: the renamed file goes on where it stood, the new one is read from line 1;
// - a link back to the project folder made while running: every line once, the link named once.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, open, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runDiagnostics } from '../../src/core/doctor';
import { listTranscriptFiles, type SkippedEntry } from '../../src/core/files/discover';
import { decodeFileName, displayPath, fsPath } from '../../src/core/files/fsPath';
import { TranscriptWatcher, type TranscriptWatcherOptions, type WatchMode } from '../../src/core/files/watcher';
import { scanConfigDirs } from '../../src/core/scan';
import { finalFailure } from '../fixtures/transcripts';

const posixOnly = process.platform === 'win32' ? 'file names as bytes and symbolic links are POSIX' : false;
const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6a, 0x73, 0x6f, 0x6e, 0x6c]); // "café.jsonl" in Latin-1

interface Delivered {
  file: string;
  text: string;
  lineNumber: number;
}

/** Waits until `check` holds; the limit only turns a hang into a clear failure (no speed is asserted). */
async function waitFor(what: string, check: () => boolean, limitMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
const content = (texts: string[]) => texts.map((text) => `${text}\n`).join('');

describe('the watcher is never blind and never counts twice', { skip: posixOnly }, () => {
  let root: string;
  let configDir: string;
  let projects: string;
  let watcher: TranscriptWatcher | null;
  let delivered: Delivered[];
  let gone: string[];
  let moved: [string, string][];
  let problems: { file: string; code: string | undefined }[];

  const start = async (options: Partial<TranscriptWatcherOptions>): Promise<TranscriptWatcher> => {
    watcher = new TranscriptWatcher([configDir], {
      onLine: (file, line, lineNumber) => delivered.push({ file, text: line.toString('utf8'), lineNumber }),
      onFileGone: (file) => gone.push(file),
      onFileMoved: (file, from) => moved.push([file, from]),
      onProblem: (file, error) => problems.push({ file, code: (error as NodeJS.ErrnoException).code }),
      ...options,
    });
    await watcher.start();
    return watcher;
  };
  const linesOf = (file: string) => delivered.filter((d) => d.file === file).map((d) => [d.text, d.lineNumber]);
  const texts = () => delivered.map((d) => d.text);
  /** Every text delivered once at most. */
  const assertNoneTwice = () => {
    const seen = new Set<string>();
    for (const text of texts()) {
      assert.ok(!seen.has(text), `${text} delivered twice: ${JSON.stringify(delivered)}`);
      seen.add(text);
    }
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'files-identity-'));
    configDir = path.join(root, 'claude');
    projects = path.join(configDir, 'projects');
    await mkdir(path.join(projects, '-p'), { recursive: true });
    watcher = null;
    delivered = [];
    gone = [];
    moved = [];
    problems = [];
  });
  afterEach(async () => {
    watcher?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  for (const mode of ['per-directory', 'recursive', 'poll'] as WatchMode[]) {
    describe(`in ${mode} mode`, () => {
      // No rediscovery during a test: only events and the safety poll can find what changed.
      // Without OS events (poll) the safety poll is all there is; with them, the poll is off too,
      // except where a test needs the walk (rotation in poll mode: new names are found by walks).
      const options = (overrides: Partial<TranscriptWatcherOptions> = {}): Partial<TranscriptWatcherOptions> => ({
        watchMode: mode,
        ...(mode === 'poll' ? { safetyPollMs: 50, rediscoverMs: 3_600_000 } : { safetyPollMs: 3_600_000, rediscoverMs: 3_600_000 }),
        ...overrides,
      });

      it('re-attaches a projects folder deleted and made again, without waiting for a rediscovery', async () => {
        const session = path.join(projects, '-p', 's.jsonl');
        await writeFile(session, content(['before']));
        await start(options());
        assert.deepEqual(linesOf(session), [['before', 1]]);
        await rm(projects, { recursive: true });
        if (mode !== 'poll') await waitFor('the deleted session to be said gone', () => gone.includes(session));
        await mkdir(path.join(projects, '-p'), { recursive: true });
        await writeFile(session, content(lines('after', 5)));
        await waitFor('the 5 lines in the new projects folder', () => linesOf(session).length === 6);
        assert.deepEqual(linesOf(session).slice(1), lines('after', 5).map((text, i) => [text, i + 1]));
        // And followed live from there.
        const other = path.join(projects, '-q', 'new.jsonl');
        await mkdir(path.dirname(other));
        await writeFile(other, content(['elsewhere']));
        await appendFile(session, content(['live']));
        if (mode === 'poll') {
          // New names are found by walks only, in poll mode: the appended line is what the poll sees.
          await waitFor('the live line', () => linesOf(session).length === 7);
        } else {
          await waitFor('the live line and a new project', () => linesOf(session).length === 7 && linesOf(other).length === 1);
        }
        assertNoneTwice();
        assert.deepEqual(problems, []);
      });

      it('reads a transcript whose name is not valid UTF-8, under its escaped path', async () => {
        const before = decodeFileName(Buffer.concat([Buffer.from(path.join(projects, '-p') + path.sep), LATIN1_NAME]));
        await writeFile(fsPath(before), content(['latin-1']));
        // Node's recursive watcher on Linux (emulated, one watcher per file) lists names as UTF-8 and
        // cannot watch such a file or folder: the safety poll and the walk follow them there.
        const emulated = mode === 'recursive' && process.platform === 'linux';
        await start(options(mode === 'poll' ? { rediscoverMs: 50 } : emulated ? { safetyPollMs: 50, rediscoverMs: 50 } : {}));
        assert.deepEqual(linesOf(before), [['latin-1', 1]]);
        assert.equal(displayPath(before), path.join(projects, '-p', 'caf\\xe9.jsonl'));
        await appendFile(fsPath(before), content(['appended']));
        await waitFor('the appended line', () => linesOf(before).length === 2);
        // One made while watching, in a folder named so too.
        const dir = decodeFileName(Buffer.concat([Buffer.from(projects + path.sep), Buffer.from([0x2d, 0xe0, 0xe8])]));
        const during = path.join(dir, 'ok.jsonl');
        await mkdir(fsPath(dir));
        await writeFile(fsPath(during), content(['made while watching']));
        await waitFor('the file in the Latin-1 folder', () => linesOf(during).length === 1);
        assert.deepEqual(problems, []);
        assertNoneTwice();
      });

      it('reads again a transcript rewritten in place to the same size under the same mtime', async () => {
        const session = path.join(projects, '-p', 's.jsonl');
        const old = lines('old', 5);
        const fresh = lines('new', 5);
        await writeFile(session, content(old));
        const mtime = Math.floor(Date.now() / 1000) - 60; // whole seconds: set again exactly
        await utimes(session, mtime, mtime);
        const { ino, size } = await stat(session);
        await start(options());
        assert.equal(linesOf(session).length, 5);
        const handle = await open(session, 'r+'); // same inode, same size, every byte new
        await handle.write(content(fresh), 0);
        await handle.close();
        await utimes(session, mtime, mtime);
        const after = await stat(session);
        assert.deepEqual([after.ino, after.size, after.mtimeMs], [ino, size, mtime * 1000]);
        await waitFor('the 5 rewritten lines', () => linesOf(session).length === 10);
        assert.deepEqual(linesOf(session).slice(5), fresh.map((text, i) => [text, i + 1]));
        assert.deepEqual(gone, [session]);
      });

      for (const seenFirst of [false, true]) {
        it(`follows a rotated transcript on where it stood, and the new one from line 1${seenFirst ? ' (the rename seen before the new file)' : ''}`, async () => {
          const session = path.join(projects, '-p', 's.jsonl');
          const rotated = path.join(projects, '-p', 's.1.jsonl');
          await writeFile(session, content(['a', 'b']));
          // Poll mode finds new names only by walking: let it walk often here. Node's emulated
          // recursive watcher on Linux keeps watching the inode a path first had (the renamed
          // file's changes come under the old name, the new file's not at all): the safety poll
          // is what follows both there.
          const emulated = mode === 'recursive' && process.platform === 'linux';
          await start(options(mode === 'poll' ? { rediscoverMs: 50 } : emulated ? { safetyPollMs: 50 } : {}));
          await rename(session, rotated);
          if (seenFirst) await waitFor('the move', () => moved.length === 1);
          await writeFile(session, content(['c']));
          await appendFile(rotated, content(['b2']));
          await waitFor('the new file and the line appended to the rotated one', () => linesOf(session).length === 3 && linesOf(rotated).length === 1);
          assert.deepEqual(linesOf(session), [['a', 1], ['b', 2], ['c', 1]]);
          assert.deepEqual(linesOf(rotated), [['b2', 3]]);
          assert.deepEqual(moved, [[rotated, session]]);
          // Settled: polls and events after this deliver nothing again.
          await appendFile(session, content(['d']));
          await waitFor('a later line', () => linesOf(session).length === 4);
          assertNoneTwice();
          assert.deepEqual(problems, []);
        });
      }

      it('delivers every line once with a link back to the project folder made while running, and names the link once', async () => {
        const session = path.join(projects, '-p', 's.jsonl');
        const agent = path.join(projects, '-p', 's', 'subagents', 'agent-1.jsonl');
        await writeFile(session, content(['one']));
        await mkdir(path.dirname(agent), { recursive: true });
        await writeFile(agent, content(['agent one']));
        // The walk is what names a link in poll mode (and what re-reads everything, were it fooled).
        await start(options({ rediscoverMs: 50, safetyPollMs: 50 }));
        const link = path.join(projects, '-p', 'self');
        await symlink('.', link);
        await waitFor('the link to be named', () => problems.some((p) => p.file === link));
        await appendFile(session, content(['two']));
        await appendFile(agent, content(['agent two']));
        await waitFor('both appended lines', () => texts().includes('two') && texts().includes('agent two'));
        await new Promise((resolve) => setTimeout(resolve, 300)); // several polls and walks: still once
        assert.deepEqual(linesOf(session), [['one', 1], ['two', 2]]);
        assert.deepEqual(linesOf(agent), [['agent one', 1], ['agent two', 2]]);
        assert.deepEqual(delivered.length, 4);
        assert.deepEqual(problems, [{ file: link, code: 'EALIAS' }]);
        assert.deepEqual(watcher!.skippedEntries().map((e) => [e.path, e.code]), [[link, 'EALIAS']]);
        // As scan counts it: once.
        assert.equal((await listTranscriptFiles([configDir])).length, 2);
      });
    });
  }

  it('scan reads a transcript whose name is not valid UTF-8', async () => {
    const file = decodeFileName(Buffer.concat([Buffer.from(path.join(projects, '-p') + path.sep), LATIN1_NAME]));
    await writeFile(fsPath(file), finalFailure('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}') + '\n');
    const skipped: SkippedEntry[] = [];
    const events = await scanConfigDirs({ configDirs: [configDir], sinceMs: null, onSkipped: (entry) => skipped.push(entry) });
    assert.deepEqual(events.map((e) => [e.file, e.status]), [[file, 529]]);
    assert.deepEqual(skipped, []);
  });

  it('follows a file reached by a second name (a hard link) as one file', async () => {
    const session = path.join(projects, '-p', 's.jsonl');
    await writeFile(session, content(['one']));
    await start({ watchMode: 'per-directory', safetyPollMs: 50, rediscoverMs: 50 });
    const second = path.join(projects, '-p', 'z-second.jsonl');
    const { link } = await import('node:fs/promises');
    await link(session, second);
    await appendFile(second, content(['two']));
    await waitFor('the line appended through the second name', () => texts().includes('two'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(delivered.map((d) => d.text), ['one', 'two']);
    assert.deepEqual(watcher!.skippedEntries().map((e) => [path.basename(e.path), e.code]), [['z-second.jsonl', 'EALIAS']]);
  });

  it('names what the walk skips on purpose in doctor: a loop, another path to a folder, a folder too deep', async () => {
    await writeFile(path.join(projects, '-p', 's.jsonl'), content(['x']));
    await symlink('.', path.join(projects, '-p', 'self'));
    await mkdir(path.join(projects, '-q'));
    await symlink(path.join('..', '-p'), path.join(projects, '-q', 'p-again'));
    await mkdir(path.join(projects, '-p', 'a', 'b', 'c', 'd'), { recursive: true });
    const report = await runDiagnostics({ configDirs: [configDir], explicitSource: null, env: {}, homedir: root, platform: 'linux', now: new Date(), lookbackMs: 3_600_000, readInotifyLimit: () => null });
    assert.deepEqual(
      report.skipped.map((e) => [path.relative(projects, e.path), e.code]).sort(),
      [
        [path.join('-p', 'a', 'b', 'c', 'd'), 'EDEPTH'],
        [path.join('-p', 'self'), 'EALIAS'],
        [path.join('-q', 'p-again'), 'EALIAS'],
      ],
    );
    assert.equal(report.transcripts.files, 1);
  });
});
