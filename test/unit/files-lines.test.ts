import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LineMarker, readCompleteLinesFromHandle, readCompleteLinesSync, type LineHandler, type LineReadOptions } from '../../src/core/files/lines';
import { openRegularFile } from '../../src/core/files/regularFile';

interface Seen {
  text: string;
  lineNumber: number;
  byteOffset: number;
}

/** The async driver as the tail uses it: a regular file opened, then read through its handle. */
async function readCompleteLinesAsync(file: string, fromOffset: number, startLineNumber: number, onLine: LineHandler, options: LineReadOptions = {}) {
  const { handle } = await openRegularFile(file);
  try {
    return await readCompleteLinesFromHandle(handle, fromOffset, startLineNumber, onLine, options);
  } finally {
    await handle.close();
  }
}

const drivers = {
  async: readCompleteLinesAsync,
  sync: async (...args: Parameters<typeof readCompleteLinesSync>) => readCompleteLinesSync(...args),
};

for (const [driver, read] of Object.entries(drivers)) {
  async function readAll(file: string, fromOffset = 0, startLine = 1, options: LineReadOptions = {}) {
    const seen: Seen[] = [];
    const result = await read(
      file,
      fromOffset,
      startLine,
      (line, lineNumber, byteOffset) => seen.push({ text: line.toString('utf8'), lineNumber, byteOffset }),
      options,
    );
    return { seen, ...result };
  }

  describe(`readCompleteLines (${driver})`, () => {
    let dir: string;
    let counter = 0;
    const fileWith = async (content: string | Buffer): Promise<string> => {
      const file = path.join(dir, `f${counter++}.jsonl`);
      await writeFile(file, content);
      return file;
    };

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'files-lines-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('delivers complete lines with numbers and offsets, and holds back a partial last line', async () => {
      const file = await fileWith('{"a":1}\n{"b":2}\n{"c":');
      const { seen, endOffset, nextLineNumber } = await readAll(file);
      assert.deepEqual(seen, [
        { text: '{"a":1}', lineNumber: 1, byteOffset: 0 },
        { text: '{"b":2}', lineNumber: 2, byteOffset: 8 },
      ]);
      assert.equal(endOffset, 16);
      assert.equal(nextLineNumber, 3);
    });

    it('continues from an offset and line number', async () => {
      const file = await fileWith('one\ntwo\nthree\n');
      const { seen, endOffset, nextLineNumber } = await readAll(file, 4, 2);
      assert.deepEqual(seen.map((s) => [s.text, s.lineNumber, s.byteOffset]), [['two', 2, 4], ['three', 3, 8]]);
      assert.equal(endOffset, 14);
      assert.equal(nextLineNumber, 4);
    });

    it('strips CR before LF and a UTF-8 BOM at offset 0 only', async () => {
      const file = await fileWith(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('first\r\nsecond\r\n\ufeffthird\n')]));
      const { seen } = await readAll(file);
      assert.deepEqual(seen.map((s) => s.text), ['first', 'second', '\ufeffthird']);
      assert.equal(seen[0].byteOffset, 3);
      assert.equal(seen[1].byteOffset, 10);
    });

    it('delivers empty lines so line numbers stay true', async () => {
      const file = await fileWith('a\n\n\r\nb\n');
      const { seen } = await readAll(file);
      assert.deepEqual(seen.map((s) => [s.text, s.lineNumber]), [['a', 1], ['', 2], ['', 3], ['b', 4]]);
    });

    it('yields nothing for an empty file or one with only a partial line', async () => {
      for (const content of ['', 'no newline yet']) {
        const file = await fileWith(content);
        const { seen, endOffset, nextLineNumber, scannedTo } = await readAll(file);
        assert.deepEqual(seen, []);
        assert.equal(endOffset, 0);
        assert.equal(nextLineNumber, 1);
        assert.equal(scannedTo, content.length);
      }
    });

    it('reads lines far longer than its chunk, and many lines across chunk boundaries', async () => {
      const big = 'x'.repeat(9 * 1024 * 1024 + 17); // past the kept line buffer
      const fits = 'f'.repeat(5 * 1024 * 1024 + 3);
      const medium = 'm'.repeat(700 * 1024);
      const small = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"pad":"${'p'.repeat(i % 900)}"}`);
      const lines = [...small.slice(0, 1500), big, medium, fits, ...small.slice(1500), big + 'tail', fits];
      const file = await fileWith(lines.join('\n') + '\n' + 'partial-' + big);
      const { seen, endOffset, nextLineNumber } = await readAll(file);
      assert.equal(seen.length, lines.length);
      for (let i = 0; i < lines.length; i++) assert.equal(seen[i].text, lines[i], `line ${i + 1}`);
      assert.equal(nextLineNumber, lines.length + 1);
      const expectedEnd = Buffer.byteLength(lines.join('\n') + '\n');
      assert.equal(endOffset, expectedEnd);
      let offset = 0;
      for (let i = 0; i < lines.length; i++) {
        assert.equal(seen[i].byteOffset, offset);
        offset += lines[i].length + 1;
      }
    });

    it('keeps multi-byte UTF-8 characters intact across chunk boundaries', async () => {
      const line = 'é€😀'.repeat(400_000);
      const file = await fileWith(`${line}\n${line}\n`);
      const { seen } = await readAll(file);
      assert.deepEqual(seen.map((s) => s.text), [line, line]);
    });

    it('stops at `until` and resumes a long partial line from `noNewlineBefore`', async () => {
      const long = 'L'.repeat(3 * 1024 * 1024);
      const file = await fileWith(`a\nb\n${long}\nc\n`);
      const limited = await readAll(file, 0, 1, { until: 3 });
      assert.deepEqual(limited.seen.map((s) => s.text), ['a']);
      assert.equal(limited.endOffset, 2);

      const resumed = await readAll(file, 4, 3, { noNewlineBefore: 4 + 2 * 1024 * 1024 });
      assert.deepEqual(resumed.seen.map((s) => [s.text.length, s.lineNumber, s.byteOffset]), [
        [long.length, 3, 4],
        [1, 4, 4 + long.length + 1],
      ]);
    });

    it('reports a long unfinished line as scanned so a later read need not search it again', async () => {
      for (const length of [2 * 1024 * 1024, 10 * 1024 * 1024]) {
        const long = 'Q'.repeat(length);
        const file = await fileWith(`a\n${long}`);
        const { seen, endOffset, scannedTo } = await readAll(file);
        assert.deepEqual(seen.map((s) => s.text), ['a']);
        assert.equal(endOffset, 2);
        assert.equal(scannedTo, 2 + long.length);
      }
    });

    it('keeps concurrent reads of long lines apart', async () => {
      const a = 'a'.repeat(3 * 1024 * 1024);
      const b = 'b'.repeat(2 * 1024 * 1024);
      const fileA = await fileWith(`${a}\n${a}\n`);
      const fileB = await fileWith(`${b}\n${b}\n`);
      const [readA, readB] = await Promise.all([readAll(fileA), readAll(fileB)]);
      assert.deepEqual(readA.seen.map((s) => s.text === a), [true, true]);
      assert.deepEqual(readB.seen.map((s) => s.text === b), [true, true]);
    });

    it('throws for a missing file', async () => {
      await assert.rejects(readAll(path.join(dir, 'nope.jsonl')), { code: 'ENOENT' });
    });
  });
}

describe('LineMarker', () => {
  const retry = new LineMarker(Buffer.from('pi_error"'), 2);
  it('finds the whole marker, searched from its anchor, and nothing that only shares the anchored part', () => {
    const text = Buffer.from('{"is_error":false,"x":"_error\\"","subtype":"api_error","y":1}');
    assert.equal(retry.find(text, 0), text.indexOf('pi_error"'));
    assert.equal(retry.find(Buffer.from('{"is_error":true}'), 0), -1);
    assert.equal(retry.find(Buffer.from('_error"pi_error"'), 0), 7, 'an anchor hit too close to the start is skipped, not misread');
  });
  it('compares what lies past its searched first bytes: a long marker found only whole', () => {
    const failure = new LineMarker(Buffer.from('ApiErrorMessage"'));
    const interrupt = new LineMarker(Buffer.from('[Request interrupted'), 1);
    const text = Buffer.from('"ApiErrorMessages":1,"ApiErrorMessage":0,"isApiErrorMessage":true,[Request interrupted by user]');
    assert.equal(failure.find(text, 0), text.indexOf('ApiErrorMessage"'), 'ApiErrorMessages and a cut-off copy are passed over');
    assert.equal(failure.find(Buffer.from('ApiErrorMessag"ApiErrorMessage'), 0), -1, 'nor a copy that ends before its last byte');
    assert.equal(interrupt.find(text, 0), text.indexOf('[Request interrupted'));
    assert.equal(interrupt.find(Buffer.from('(Request interrupted) [Request interrupt'), 0), -1);
    assert.equal(failure.find(text, 0, text.indexOf('ApiErrorMessage"') + 15), -1, 'a marker that ends past `to` is not found');
  });
  it('keeps to [from, to)', () => {
    const text = Buffer.from('api_error" api_error"');
    assert.equal(retry.find(text, 0, 10), 1);
    assert.equal(retry.find(text, 2), 12);
    assert.equal(retry.find(text, 2, 20), -1, 'a marker that ends past `to` is not found');
  });
});

describe('readCompleteLinesSync with markers (only marked lines, with the lines before them)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'files-marked-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const markers = [new LineMarker(Buffer.from('ApiErrorMessage"')), new LineMarker(Buffer.from('pi_error"'), 2), new LineMarker(Buffer.from('[Request interrupted'), 1)];
  const hasMarker = (line: string) => ['ApiErrorMessage"', 'pi_error"', '[Request interrupted'].some((marker) => line.includes(marker));

  it('delivers exactly the marked lines, with true numbers and offsets, across chunk edges and long lines', async () => {
    // Lines of every length around the 256 KiB chunk and the 128 KiB long-line threshold, markers at
    // every position (start, end, straddling where a chunk ends), and CRLF and a BOM.
    const random = (() => {
      let state = 7;
      return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    })();
    const pieces = ['{"isApiErrorMessage":true}', '"subtype":"api_error"', '[Request interrupted by user]', '{"is_error":false}', 'api_erro', 'ApiErrorMessag'];
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const length = [10, 300, 5000, 60_000, 131_000, 140_000, 262_000, 700_000][Math.floor(random() * 8)];
      let line = 'x'.repeat(Math.floor(random() * length));
      if (random() < 0.4) {
        const piece = pieces[Math.floor(random() * pieces.length)];
        const at = Math.floor(random() * (line.length + 1));
        line = line.slice(0, at) + piece + line.slice(at);
      }
      lines.push(line);
    }
    const content = '\ufeff' + lines.map((line, i) => line + (i % 7 === 0 ? '\r\n' : '\n')).join('');
    const file = path.join(dir, 'marked.jsonl');
    await writeFile(file, content);
    const bytes = Buffer.from(content);

    const seen: Seen[] = [];
    let beforeChecked = 0;
    const result = readCompleteLinesSync(
      file,
      0,
      1,
      (line, lineNumber, byteOffset, linesBefore) => {
        seen.push({ text: line.toString('utf8'), lineNumber, byteOffset });
        if (!linesBefore) return;
        // Whole lines of the file, ending just before this one.
        assert.equal(linesBefore.offset + linesBefore.bytes.length, byteOffset === 3 ? 0 : byteOffset);
        assert.ok(linesBefore.offset === 0 || bytes[linesBefore.offset - 1] === 10, 'starts at a line start');
        assert.ok(linesBefore.bytes.equals(bytes.subarray(linesBefore.offset, linesBefore.offset + linesBefore.bytes.length)));
        beforeChecked++;
      },
      { markers },
    );
    let offset = 3;
    const expected: Seen[] = [];
    lines.forEach((line, i) => {
      if (hasMarker(line)) expected.push({ text: line, lineNumber: i + 1, byteOffset: offset });
      offset += Buffer.byteLength(line) + (i % 7 === 0 ? 2 : 1);
    });
    assert.ok(expected.length > 40, `only ${expected.length} marked lines`);
    assert.deepEqual(seen, expected);
    assert.ok(beforeChecked > 20, 'most marked lines come with the lines before them');
    assert.equal(result.nextLineNumber, lines.length + 1);
    assert.equal(result.endOffset, bytes.length);
  });

  it('gives the lines before a marked line right after a line longer than the kept line buffer', async () => {
    const huge = 'h'.repeat(9 * 1024 * 1024) + '{"isApiErrorMessage":true}';
    const lines = [huge, 'a', '{"isApiErrorMessage":true}', 'b'.repeat(200_000), 'c', '"subtype":"api_error"'];
    const file = path.join(dir, 'after-huge.jsonl');
    await writeFile(file, lines.join('\n') + '\n');
    const seen: Array<[number, number, string | null]> = [];
    readCompleteLinesSync(file, 0, 1, (_line, lineNumber, byteOffset, linesBefore) => {
      if (linesBefore) assert.equal(linesBefore.offset + linesBefore.bytes.length, byteOffset);
      seen.push([lineNumber, byteOffset, linesBefore ? linesBefore.bytes.toString('utf8').split('\n').slice(0, -1).join('|').slice(0, 20) : null]);
    }, { markers });
    const offsetOf = (i: number) => lines.slice(0, i).reduce((sum, line) => sum + line.length + 1, 0);
    assert.deepEqual(seen.map(([n, offset]) => [n, offset]), [[1, 0], [3, offsetOf(2)], [6, offsetOf(5)]]);
    assert.equal(seen[1][2], 'a', 'the whole lines between the long one and the marked one');
  });

  /** A FileHandle over `bytes` that records every read asked of it. */
  function recordingHandle(bytes: Buffer) {
    const reads: Array<{ position: number; length: number; targetLength: number }> = [];
    const handle = {
      async read(target: Buffer, offset: number, length: number, position: number) {
        reads.push({ position, length, targetLength: target.length });
        const bytesRead = bytes.copy(target, offset, position, Math.min(position + length, bytes.length));
        return { bytesRead, buffer: target };
      },
    };
    return { handle: handle as unknown as Parameters<typeof readCompleteLinesFromHandle>[0], reads };
  }

  it('reads a long line without a marker once, through the chunk alone, and numbers it', async () => {
    const lines = ['{"isApiErrorMessage":true}', 'x'.repeat(300_000), 'y'.repeat(9 * 1024 * 1024), '"subtype":"api_error"', 'z'.repeat(140_000)];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const { handle, reads } = recordingHandle(bytes);
    const seen: number[] = [];
    const result = await readCompleteLinesFromHandle(handle, 0, 1, (_line, lineNumber) => seen.push(lineNumber), { markers });
    assert.deepEqual(seen, [1, 4]);
    assert.deepEqual([result.nextLineNumber, result.endOffset], [6, bytes.length]);
    const read = reads.reduce((sum, r) => sum + Math.min(r.length, bytes.length - r.position), 0);
    assert.equal(read, bytes.length, 'every byte read once');
    assert.ok(reads.every((r) => r.targetLength <= 256 * 1024), 'no line read into a buffer of its own');
  });

  it('reads a long line holding a marker whole, once more, and delivers it', async () => {
    const marked = 'a'.repeat(9 * 1024 * 1024) + '{"isApiErrorMessage":true}' + 'b'.repeat(1000);
    const interrupted = 'c'.repeat(300_000) + '[Request interrupted by user]';
    const lines = ['plain', marked, interrupted, 'tail'];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const { handle, reads } = recordingHandle(bytes);
    const seen: Array<[number, number]> = [];
    await readCompleteLinesFromHandle(handle, 0, 1, (line, lineNumber) => seen.push([lineNumber, line.length]), { markers });
    assert.deepEqual(seen, [[2, marked.length], [3, interrupted.length]]);
    const read = reads.reduce((sum, r) => sum + Math.min(r.length, bytes.length - r.position), 0);
    assert.equal(read, bytes.length + marked.length + interrupted.length, 'the marked long lines read twice, the rest once');
  });

  it('finds a marker in a long line wherever a read ends inside it', async () => {
    // A line that starts a file is read 256 KiB at a time; each read after the first keeps the last
    // bytes of the one before, so a marker across the boundary is found in the next. Every marker at
    // every position across the first boundary (262144) and the second (262144 + 262144 - 19).
    const file = path.join(dir, 'straddle.jsonl');
    for (const marker of ['ApiErrorMessage"', 'pi_error"', '[Request interrupted']) {
      for (const boundary of [262_144, 524_269]) {
        for (let start = boundary - marker.length + 1; start < boundary; start++) {
          const line = 'x'.repeat(start) + marker + 'y'.repeat(600_000 - start);
          await writeFile(file, `${line}\nnext\n`);
          const seen: number[] = [];
          readCompleteLinesSync(file, 0, 1, (_line, lineNumber) => seen.push(lineNumber), { markers });
          assert.deepEqual(seen, [1], `${marker} at ${start}, across ${boundary}`);
        }
      }
    }
  });

  it('holds back a partial last line, marked or not, as without markers', async () => {
    const file = path.join(dir, 'partial.jsonl');
    await writeFile(file, '{"isApiErrorMessage":true}\nplain\n{"isApiErrorMessage":true');
    const seen: number[] = [];
    const result = readCompleteLinesSync(file, 0, 1, (_line, lineNumber) => seen.push(lineNumber), { markers });
    assert.deepEqual(seen, [1]);
    assert.deepEqual([result.endOffset, result.nextLineNumber], [33, 3]);
  });
});
