// The history index stores events as they were read: a change to what an event holds must come with a
// new INDEX_FORMAT (src/core/history/index.ts), or an index written before it would be read as if it
// held the new fields. This test records the stored shape of each format and fails when the shape
// changes without the number.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { INDEX_FORMAT, indexFileFor, loadIndex, refreshIndex, saveIndex } from '../../src/core/history/index';
import { assistantText, finalFailure, retryFlat, writeConfigDir } from '../fixtures/transcripts';

/** The keys of a stored retry and final failure, by index format. Add a row when you bump the format. */
const STORED_EVENT_KEYS: Readonly<Record<number, string>> = {
  2: 'attempt,cwd,entrypoint,errorType,failureClass,file,impliedStatus,isSidechain,kind,lastResponse,lastSuccessVersion,limitWindow,line,maxRetries,message,midResponse,model,networkCode,requestId,requestIds,resetsAt,retryInMs,sessionId,status,statusSource,timestamp,transient,uuid,version,wording',
};

const NOW = Date.parse('2026-11-21T00:00:00.000Z');
const T = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('history index format', () => {
  let root: string;
  let configDir: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-index-format-'));
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-p/a.jsonl': [
        assistantText('ok', { sessionId: 'a', timestamp: T(0) }, 'claude-opus-4-1'),
        retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_a1' }, 1, { sessionId: 'a', timestamp: T(1) }),
        finalFailure('API Error: 500 Internal server error.', { sessionId: 'a', timestamp: T(2) }),
      ],
    });
    const recent = new Date(NOW - 3_600_000);
    await fs.utimes(path.join(configDir, 'projects', '-p', 'a.jsonl'), recent, recent);
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('stores events of the shape its format number says: a new field needs a new format', async () => {
    const storage = path.join(root, 'storage');
    const file = indexFileFor(storage, [configDir]);
    const index = loadIndex(file, [configDir]);
    await refreshIndex(index, { now: NOW });
    saveIndex(file, index);
    const stored = JSON.parse(await fs.readFile(file, 'utf8')) as { format: number; files: Record<string, { events: object[] }> };
    const events = Object.values(stored.files).flatMap((entry) => entry.events);
    assert.equal(events.length, 2, 'a retry and a final failure are stored');
    const keys = [...new Set(events.flatMap((event) => Object.keys(event)))].sort().join(',');
    assert.equal(stored.format, INDEX_FORMAT);
    assert.ok(STORED_EVENT_KEYS[INDEX_FORMAT], `no stored shape recorded for format ${INDEX_FORMAT}: add it to STORED_EVENT_KEYS`);
    assert.equal(
      keys,
      STORED_EVENT_KEYS[INDEX_FORMAT],
      `stored events changed shape: bump INDEX_FORMAT in src/core/history/index.ts and record the new shape for it here`,
    );
  });
});
