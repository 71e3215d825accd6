import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { findLineBackwardSync } from '../../src/core/files/readBack';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-readback-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findLineBackwardSync', () => {
  // Lines of every size around its 64 KiB first read, with CRLF and empty lines among them.
  const lines = Array.from({ length: 60 }, (_, i) => (i % 9 === 4 ? '' : `${i}:${'x'.repeat((i * 7919) % 150_000)}`));
  const text = lines.map((line, i) => line + (i % 5 === 0 ? '\r\n' : '\n')).join('');
  const bytes = Buffer.from(text);
  const file = path.join(dir, 'lines.jsonl');
  fs.writeFileSync(file, bytes);
  const startOf = (index: number) => Buffer.byteLength(lines.slice(0, index).map((line, i) => line + (i % 5 === 0 ? '\r\n' : '\n')).join(''));

  /** The numbers of the non-empty lines from `from` down to `to` (empty lines are never visited). */
  const numbers = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i).filter((n) => lines[n - 1] !== '');

  /** Every line visited, newest first, as [number, first bytes], until `stopAt`'s line. */
  function visits(start: number, end: number, endLine: number, stopAt: number, held?: { bytes: Buffer; offset: number }, at = file) {
    const seen: Array<[number, string]> = [];
    const found = findLineBackwardSync(at, start, end, endLine, (line, n) => (seen.push([n, line.subarray(0, 6).toString()]), n === stopAt), held);
    return { found, seen };
  }

  it('gives the same lines and numbers from lines held in memory as from the file, and reads on past them', () => {
    const start = startOf(3);
    const end = startOf(57);
    const fromDisk = visits(start, end, 58, 4);
    assert.equal(fromDisk.found, 4);
    assert.deepEqual(fromDisk.seen.map(([n]) => n), numbers(57, 4));
    assert.deepEqual(fromDisk.seen[0], [57, '56:xxx']);
    for (const heldFrom of [20, 40, 56]) {
      const held = { bytes: bytes.subarray(startOf(heldFrom), end), offset: startOf(heldFrom) };
      assert.deepEqual(visits(start, end, 58, 4, held), fromDisk, `held from line ${heldFrom + 1}`);
    }
  });

  it('never opens the file when the held lines hold the answer', () => {
    const held = { bytes: bytes.subarray(startOf(30), startOf(50)), offset: startOf(30) };
    const gone = path.join(dir, 'never-written.jsonl');
    const { found, seen } = visits(startOf(10), startOf(50), 51, 45, held, gone);
    assert.equal(found, 45);
    assert.deepEqual(seen.map(([n]) => n), numbers(50, 45));
    assert.throws(() => visits(startOf(10), startOf(50), 51, 20, held, gone), { code: 'ENOENT' }, 'past the held lines it reads the file');
  });
});
