import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatCanary } from '../../src/core/canary';
import { PARALLEL_SCAN_MIN_BYTES, scanConfigDirs, scanThreadsFor } from '../../src/core/scan';
import { prng } from '../fixtures/prng';
import { assistantText, finalFailure, retryFlat, retrySdkError, syntheticNotFailure, toolResult, userPrompt, writeConfigDir } from '../fixtures/transcripts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-scan-parallel-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('scanConfigDirs on worker threads', () => {
  it('gives exactly what one thread gives, in the same order', async () => {
    const random = prng(0x5ca9);
    const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)];
    const files: Record<string, string[]> = {};
    for (let f = 0; f < 24; f++) {
      const sessionId = `s-${f}`;
      const lines: string[] = [];
      for (let i = 0; i < 40; i++) {
        // Timestamps collide across files on purpose: ties keep file order.
        const e = { sessionId, isSidechain: random() < 0.2, timestamp: `2026-11-20T10:${String(Math.floor(random() * 20)).padStart(2, '0')}:00.000Z`, uuid: `u-${f}-${i}` };
        const r = random();
        if (r < 0.3) lines.push(assistantText('ok', e, pick(['claude-opus-4-1', 'claude-haiku-4-5']), `req_${f}x${i}abcdef`));
        else if (r < 0.45) lines.push(userPrompt('hi', e));
        else if (r < 0.55) lines.push(toolResult(random() < 0.05 ? 'y'.repeat(700_000) : 'done', e));
        else if (r < 0.6) lines.push(syntheticNotFailure('No response requested.', e));
        else if (r < 0.75) lines.push(retryFlat({ status: 529, message: 'Overloaded', requestId: `req_r${f}x${i}abcdef` }, 1 + (i % 4), e));
        else if (r < 0.85) lines.push(retrySdkError(500, 'api_error', 'Internal server error', `req_s${f}x${i}abcdef`, 1, e));
        else if (r < 0.97) lines.push(finalFailure('API Error: 500 Internal server error.', e));
        // A shape this release cannot read, from versions that differ by file: the canary must count it the same.
        else lines.push(JSON.stringify({ type: 'api_failure', isApiErrorMessage: true, version: `2.${f % 4}.${i}`, uuid: e.uuid, detail: { code: f } }));
      }
      files[`-home-dev-p${f % 3}/${sessionId}.jsonl`] = lines;
    }
    const configDir = await writeConfigDir(root, files);

    const canaries = [new FormatCanary(), new FormatCanary()];
    const single = await scanConfigDirs({ configDirs: [configDir], sinceMs: null, threads: 1, canary: canaries[0] });
    const parallel = await scanConfigDirs({ configDirs: [configDir], sinceMs: null, threads: 3, canary: canaries[1] });
    assert.ok(single.length > 100);
    assert.deepEqual(parallel, single);
    const [one, many] = canaries.map((canary) => canary.snapshot());
    assert.ok(one.unknownLines > 5);
    assert.deepEqual(many, one);

    const since = Date.parse('2026-11-20T10:10:00.000Z');
    assert.deepEqual(await scanConfigDirs({ configDirs: [configDir], sinceMs: since, threads: 2 }), await scanConfigDirs({ configDirs: [configDir], sinceMs: since, threads: 1 }));
  });

  it('reads on one thread on two cores or fewer, and on one per core (at most 4) from three on when the files are big', () => {
    const big = Array.from({ length: 8 }, () => ({ size: PARALLEL_SCAN_MIN_BYTES / 4 }));
    const small = [{ size: PARALLEL_SCAN_MIN_BYTES / 2 }, { size: 10 }];
    assert.equal(scanThreadsFor(big, undefined, 1), 1);
    assert.equal(scanThreadsFor(big, undefined, 2), 1);
    assert.equal(scanThreadsFor(big, undefined, 3), 3);
    assert.equal(scanThreadsFor(big, undefined, 16), 4);
    assert.equal(scanThreadsFor(small, undefined, 16), 1);
    // Asked for: as many as asked, never more than there are files.
    assert.equal(scanThreadsFor(big, 2, 2), 2);
    assert.equal(scanThreadsFor(small, 3, 16), 2);
  });
});
