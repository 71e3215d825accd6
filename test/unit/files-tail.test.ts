import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { appendFile, chmod, link, mkdir, mkdtemp, open, rename, rm, rmdir, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TranscriptTail, type TailResetReason, type TranscriptTailOptions } from '../../src/core/files/tail';
import { FIFO_COUNT, mkfifo, plantHostileEntries } from '../fixtures/hostileEntries';
import { prng } from '../fixtures/prng';
import { asUnprivileged } from '../support/unprivileged';

interface Delivered {
  file: string;
  text: string;
  lineNumber: number;
}

function recordingTail(options: Partial<TranscriptTailOptions> = {}) {
  const lines: Delivered[] = [];
  const problems: { file: string; error: Error }[] = [];
  const resets: { file: string; reason: TailResetReason }[] = [];
  const batches: string[] = [];
  const tail = new TranscriptTail({
    onLine: (file, line, lineNumber) => lines.push({ file, text: line.toString('utf8'), lineNumber }),
    onProblem: (file, error) => problems.push({ file, error }),
    onReset: (file, reason) => resets.push({ file, reason }),
    onBatchEnd: (file) => batches.push(file),
    ...options,
  });
  const texts = () => lines.map((l) => l.text);
  return { tail, lines, problems, resets, batches, texts };
}


/** What a correct reader must produce from `content`: complete lines, BOM and CR stripped. */
function expectedLines(content: Buffer): string[] {
  let body = content;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, start)) {
    let line = body.subarray(start, i);
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    parts.push(line);
    start = i + 1;
  }
  return parts.map((p) => p.toString('hex'));
}

function randomContent(random: () => number, withLongLine: boolean): Buffer {
  const pieces: Buffer[] = [];
  if (random() < 0.3) pieces.push(Buffer.from([0xef, 0xbb, 0xbf]));
  const count = 1 + Math.floor(random() * 40);
  const alphabet = ['a', 'Z', '{', '"', ':', ' ', 'é', '€', '😀', '\r', '\\n'];
  for (let i = 0; i < count; i++) {
    const length = random() < 0.1 ? 0 : Math.floor(random() * 300);
    let text = '';
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
    pieces.push(Buffer.from(text));
    pieces.push(Buffer.from(random() < 0.3 ? '\r\n' : '\n'));
  }
  if (withLongLine) pieces.push(Buffer.from('B'.repeat(600_000 + Math.floor(random() * 1_500_000)) + '\n'));
  if (random() < 0.5) pieces.push(Buffer.from('partial{"x":'));
  return Buffer.concat(pieces);
}

describe('TranscriptTail', () => {
  let dir: string;
  let counter = 0;
  const newPath = () => path.join(dir, `t${counter++}.jsonl`);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'files-tail-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers the same lines whatever the chunking of the appends (property, seeded)', async () => {
    const trials = 150;
    for (let trial = 0; trial < trials; trial++) {
      const seed = 0x5eed + trial;
      const random = prng(seed);
      const content = randomContent(random, trial % 15 === 0);
      const file = newPath();
      await writeFile(file, '');
      const seen: string[] = [];
      const numbers: number[] = [];
      const tail = new TranscriptTail({
        onLine: (_file, line, lineNumber) => {
          seen.push(Buffer.from(line).toString('hex'));
          numbers.push(lineNumber);
        },
        onProblem: (_file, error) => assert.fail(`seed ${seed}: unexpected problem ${error.message}`),
      });
      // Random split points, anywhere: inside CRLF, a BOM, a multi-byte character.
      const cuts = new Set<number>();
      const cutCount = Math.floor(random() * 30);
      for (let i = 0; i < cutCount; i++) cuts.add(Math.floor(random() * content.length));
      const points = [0, ...[...cuts].sort((a, b) => a - b), content.length];
      for (let i = 1; i < points.length; i++) {
        await appendFile(file, content.subarray(points[i - 1], points[i]));
        const reads = random() < 0.2 ? 0 : random() < 0.1 ? 2 : 1;
        for (let r = 0; r < reads; r++) await tail.read(file);
      }
      await tail.read(file);
      const expected = expectedLines(content);
      assert.deepEqual(seen, expected, `seed ${seed}: lines differ`);
      assert.deepEqual(numbers, expected.map((_, i) => i + 1), `seed ${seed}: line numbers differ`);
      await unlink(file);
    }
  });

  it('delivers each line once when reads of one file overlap', async () => {
    const { tail, texts } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    const first = [tail.read(file), tail.read(file), tail.read(file)];
    await appendFile(file, 'c\n');
    first.push(tail.read(file));
    await Promise.all(first);
    await tail.read(file);
    assert.deepEqual(texts(), ['a', 'b', 'c']);
  });

  it('holds a partial last line until its newline arrives, and signals the end of each batch', async () => {
    const { tail, lines, batches } = recordingTail();
    const file = newPath();
    await writeFile(file, '{"a":1}\n{"b":');
    await tail.read(file);
    await appendFile(file, '2}\r');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['{"a":1}', 1]]);
    await appendFile(file, '\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['{"a":1}', 1], ['{"b":2}', 2]]);
    assert.deepEqual(batches, [file, file]);
    await tail.read(file); // nothing new: no batch
    assert.equal(batches.length, 2);
  });

  it('starts over at line 1 when a file is truncated', async () => {
    const { tail, lines, resets } = recordingTail();
    const file = newPath();
    await writeFile(file, 'one\ntwo\nthree\n');
    await tail.read(file);
    await truncate(file, 0);
    await appendFile(file, 'fresh\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['one', 1], ['two', 2], ['three', 3], ['fresh', 1]]);
    assert.deepEqual(resets, [{ file, reason: 'truncated' }]);
  });

  it('starts over when a file is replaced by a new one, even a longer one', async () => {
    const { tail, lines, resets } = recordingTail();
    const file = newPath();
    await writeFile(file, 'old\n');
    await tail.read(file);
    const replacement = `${file}.tmp`;
    await writeFile(replacement, 'new 1\nnew 2\nnew 3\n');
    await rename(replacement, file);
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['old', 1], ['new 1', 1], ['new 2', 2], ['new 3', 3]]);
    assert.deepEqual(resets, [{ file, reason: 'replaced' }]);
  });

  it('reports a deletion and reads a recreated file from its start', async () => {
    const { tail, lines, resets, problems } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    await tail.read(file);
    await unlink(file);
    await tail.read(file);
    assert.equal(tail.position(file), undefined);
    await writeFile(file, 'c\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['a', 1], ['b', 2], ['c', 1]]);
    assert.deepEqual(resets, [{ file, reason: 'deleted' }]);
    assert.deepEqual(problems, []);
  });

  it('reports an unreadable path once, skips it while unchanged, and reads it once it is a file', async () => {
    const { tail, texts, problems } = recordingTail();
    const file = newPath();
    await mkdir(file); // a directory named like a transcript: open works, reading does not
    await tail.read(file);
    await tail.read(file);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, file);
    assert.match(problems[0].error.message, /not a regular file/);
    assert.equal(tail.hasProblem(file), true);
    await rmdir(file);
    await writeFile(file, 'readable\n');
    await tail.read(file);
    assert.deepEqual(texts(), ['readable']);
    assert.equal(problems.length, 1);
    assert.equal(tail.hasProblem(file), false);
  });

  it('reports a file without read permission once, and reads it again once it can', async () => {
    // As `nobody` when run as root, where chmod 000 would not stop a read.
    await asUnprivileged(async () => {
      const own = await mkdtemp(path.join(os.tmpdir(), 'files-tail-eacces-'));
      try {
        const { tail, texts, problems } = recordingTail();
        const file = path.join(own, 'locked.jsonl');
        await writeFile(file, 'secret\n');
        await chmod(file, 0o200);
        await tail.read(file);
        await tail.read(file);
        assert.equal(problems.length, 1);
        assert.equal((problems[0].error as NodeJS.ErrnoException).code, 'EACCES');
        await chmod(file, 0o600);
        await tail.read(file);
        assert.deepEqual(texts(), ['secret']);
      } finally {
        await rm(own, { recursive: true, force: true });
      }
    });
  });

  for (const [name, rewrite] of [
    ['much longer than what was read', 'uno\ndos\ntres\ncuatro\ncinco\nseis\nsiete\n'],
    ['the same size', 'ONE\nTWO\n'],
    ['a little longer', 'xx\nyy\nzz\n'],
  ] as const) {
    it(`reads a file truncated and rewritten in place from its start: ${name}`, async () => {
      const { tail, lines, resets } = recordingTail();
      const file = newPath();
      await writeFile(file, 'one\ntwo\n');
      await tail.read(file);
      const inode = (await stat(file)).ino;
      // Same inode: truncate, then write the new content (as `> file` in a shell does).
      const handle = await open(file, 'r+');
      await handle.truncate(0);
      await handle.write(rewrite, 0);
      await handle.close();
      assert.equal((await stat(file)).ino, inode);
      await tail.read(file);
      const rewritten = rewrite.split('\n').slice(0, -1);
      assert.deepEqual(
        lines.map((l) => [l.text, l.lineNumber]),
        [['one', 1], ['two', 2], ...rewritten.map((text, i) => [text, i + 1])],
      );
      assert.deepEqual(resets, [{ file, reason: 'rewritten' }]);
      // And it is followed on from there, once.
      await appendFile(file, 'next\n');
      await tail.read(file);
      await tail.read(file);
      assert.deepEqual(lines.slice(-1).map((l) => [l.text, l.lineNumber]), [['next', rewritten.length + 1]]);
      assert.equal(resets.length, 1);
    });
  }

  // The race the chaos run found: a rewrite lands between two chunks of one read, so the read
  // delivers old lines, then whatever of the new content lies past the old offset. Every line of
  // the new content must still arrive after a reset, whether the read began at line 1 or further on.
  for (const [name, before] of [
    ['a read from line 1', ''],
    ['a read from further on', 'already-read-1\nalready-read-2\n'],
  ] as const) {
    it(`starts over when the file is rewritten in place during ${name}`, async () => {
      const file = newPath();
      const oldLines = Array.from({ length: 3 }, (_, i) => `old-${i}-${'o'.repeat(500_000)}`);
      const newLines = Array.from({ length: 5 }, (_, i) => `new-${i}-${'n'.repeat(400_000)}`);
      let rewriteNow = false;
      const sinceReset = new Set<string>();
      let resets = 0;
      const { tail } = recordingTail({
        onLine: (_file, line) => {
          sinceReset.add(line.subarray(0, 6).toString());
          if (rewriteNow) {
            rewriteNow = false;
            writeFileSync(file, newLines.join('\n') + '\n'); // same inode, longer, mid-read
          }
        },
        onReset: () => {
          resets++;
          sinceReset.clear();
        },
      });
      await writeFile(file, before);
      if (before) await tail.read(file);
      await appendFile(file, oldLines.join('\n') + '\n');
      rewriteNow = true;
      await tail.read(file);
      await tail.read(file);
      assert.ok(resets >= 1, 'a reset follows the rewrite');
      for (let i = 0; i < newLines.length; i++) assert.ok(sinceReset.has(`new-${i}-`), `new-${i} delivered since the last reset (${[...sinceReset].join(', ')})`);
    });
  }

  it('starts over when the partial line it had searched is rewritten', async () => {
    const { tail, texts, resets } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\npartial-that-is-long');
    await tail.read(file);
    await writeFile(file, 'b\nc\nd\nnew content, all of it longer\n');
    await tail.read(file);
    assert.deepEqual(texts(), ['a', 'b', 'c', 'd', 'new content, all of it longer']);
    assert.deepEqual(resets, [{ file, reason: 'rewritten' }]);
  });

  it('never opens a FIFO, a socket or a symlink loop: each is reported once and nothing blocks', { skip: process.platform === 'win32' }, async () => {
    const { tail, texts, problems } = recordingTail();
    const project = path.join(dir, 'hostile');
    const planted = await plantHostileEntries(project);
    try {
      // Read all of them at once, twice: were any FIFO opened, the thread pool would be stuck and
      // the regular file below never read.
      const entries = planted.expected.map((entry) => entry.path);
      await Promise.all([...entries, ...entries].map((entry) => tail.read(entry)));
      const file = path.join(project, 'fine.jsonl');
      await writeFile(file, 'still read\n');
      await tail.read(file);
      assert.deepEqual(texts(), ['still read']);
      const reported = problems.map((p) => [path.basename(p.file), (p.error as NodeJS.ErrnoException).code]).sort();
      const expected = planted.expected
        .filter((entry) => entry.code !== 'ENOENT' && entry.code !== 'ENOTDIR') // read as missing files: nothing to follow
        .map((entry) => [path.basename(entry.path), entry.code])
        .sort();
      assert.deepEqual(reported, expected);
      assert.ok(FIFO_COUNT > 4);
    } finally {
      await planted.close();
    }
  });

  it('treats a followed file that became a FIFO or a loop as gone, and reads its successor from line 1', { skip: process.platform === 'win32' }, async () => {
    const { tail, lines, resets, problems } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\n');
    await tail.read(file);
    await unlink(file);
    mkfifo(file);
    await tail.read(file);
    assert.deepEqual(resets, [{ file, reason: 'deleted' }]);
    assert.equal(problems.length, 1);
    await unlink(file);
    await symlink(path.basename(file), file);
    await tail.read(file);
    assert.equal(problems.length, 2);
    await unlink(file);
    await writeFile(file, 'b\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['a', 1], ['b', 1]]);
  });

  it('starts a new file at a byte offset inside a partial line, keeping line numbers true', async () => {
    const { tail, lines } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\nb\nc\npart');
    await tail.read(file, Buffer.byteLength('a\nb\nc\npart'));
    assert.equal(lines.length, 0);
    await appendFile(file, 'ial\nd\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['partial', 4], ['d', 5]]);
  });

  it('starts a new file after a given byte offset (what was appended since it was listed)', async () => {
    const { tail, lines } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    const listedSize = 4;
    await appendFile(file, 'c\n');
    await tail.read(file, listedSize);
    assert.deepEqual(lines.map((l) => [l.text, l.lineNumber]), [['c', 3]]);
  });

  it('forgets a file: the next read starts it afresh', async () => {
    const { tail, texts } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\n');
    await tail.read(file);
    tail.forget(file);
    assert.equal(tail.position(file), undefined);
    await tail.read(file);
    assert.deepEqual(texts(), ['a', 'a']);
  });

  // The poll-mode chaos run found it: a file renamed away is forgotten while a read of it runs,
  // renamed back, and read again; that read must not fold into the forgotten one and vanish.
  it('forgets a file while a read of it runs: a read asked for after that still starts it afresh', async () => {
    const { tail, texts } = recordingTail();
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    const forgottenRead = tail.read(file);
    tail.forget(file);
    const freshRead = tail.read(file);
    await Promise.all([forgottenRead, freshRead]);
    assert.deepEqual(texts(), ['a', 'b']);
    assert.equal(tail.position(file)?.lineNumber, 3);
  });

  it('follows a multi-MB line written in pieces without losing or repeating it', async () => {
    const { tail, lines } = recordingTail();
    const file = newPath();
    const big = 'R'.repeat(3 * 1024 * 1024);
    await writeFile(file, 'start\n');
    for (let i = 0; i < big.length; i += 256 * 1024) {
      await appendFile(file, big.slice(i, i + 256 * 1024));
      await tail.read(file);
    }
    await appendFile(file, '\nend\n');
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [l.text.length, l.lineNumber]), [[5, 1], [big.length, 2], [3, 3]]);
    assert.equal(lines[1].text, big);
  });

  it('keeps delivering when onLine throws, and rethrows the first error', async () => {
    const seen: string[] = [];
    const tail = new TranscriptTail({
      onLine: (_file, line) => {
        seen.push(line.toString());
        if (line.toString() === 'bad') throw new Error('consumer bug');
      },
    });
    const file = newPath();
    await writeFile(file, 'ok\nbad\nafter\n');
    await assert.rejects(tail.read(file), /consumer bug/);
    await tail.read(file);
    assert.deepEqual(seen, ['ok', 'bad', 'after']);
  });

  it('goes on where a renamed file stood, under its new name, numbering on', async () => {
    const moves: [string, string][] = [];
    const { tail, lines, resets } = recordingTail({ onMoved: (file, from) => moves.push([file, from]) });
    const file = newPath();
    const renamed = newPath();
    await writeFile(file, 'a\nb\n');
    await tail.read(file);
    await rename(file, renamed);
    await appendFile(renamed, 'c\n');
    await tail.read(file); // gone from there
    await tail.read(renamed);
    assert.deepEqual(lines.map((l) => [path.basename(l.file), l.text, l.lineNumber]), [
      [path.basename(file), 'a', 1],
      [path.basename(file), 'b', 2],
      [path.basename(renamed), 'c', 3],
    ]);
    assert.deepEqual(resets, [{ file, reason: 'deleted' }]);
    assert.deepEqual(moves, [[renamed, file]]);
  });

  // What an inode number used again by another file looks like: the identity it had, other bytes.
  it('reads from line 1 a file under a known identity whose bytes changed, and says so', async () => {
    const moves: [string, string][] = [];
    const { tail, lines, resets } = recordingTail({ onMoved: (file, from) => moves.push([file, from]) });
    const file = newPath();
    const renamed = newPath();
    await writeFile(file, 'first\nsecond\n');
    await tail.read(file);
    tail.detach(file);
    const handle = await open(file, 'r+'); // same inode, other bytes
    await handle.write('FIRST\nSECOND\nthird\n', 0);
    await handle.close();
    await rename(file, renamed);
    await tail.read(renamed);
    assert.deepEqual(lines.slice(2).map((l) => [l.text, l.lineNumber]), [['FIRST', 1], ['SECOND', 2], ['third', 3]]);
    assert.deepEqual(resets, [{ file: renamed, reason: 'rewritten' }]);
    assert.deepEqual(moves, []);
  });

  it('reads a file reached by a second name once, under the name it is followed by', async () => {
    const { tail, lines } = recordingTail();
    const file = newPath();
    const second = newPath();
    await writeFile(file, 'once\n');
    await tail.read(file);
    await link(file, second);
    await appendFile(second, 'twice?\n');
    await tail.read(second);
    assert.equal(tail.aliasOf(second), file);
    await tail.read(file);
    assert.deepEqual(lines.map((l) => [path.basename(l.file), l.text]), [
      [path.basename(file), 'once'],
      [path.basename(file), 'twice?'],
    ]);
  });

  it('ignores a missing file that it never followed', async () => {
    const { tail, lines, resets, problems } = recordingTail();
    await tail.read(path.join(dir, 'never.jsonl'));
    assert.deepEqual([lines, resets, problems], [[], [], []]);
  });
});
