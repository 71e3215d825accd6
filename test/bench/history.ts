// The history index's section of `npm run bench`: the first build of 30 days of the corpus in the
// shipped worker (dist/lazy/historyIndexWorker.js), and reopening it (load the stored index, check
// every file, read nothing new). run.ts prints these rows in its table.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexedEvents, indexFileFor, loadIndex, refreshIndex } from '../../src/core/history/index';
import { buildIndexInWorker } from '../../src/core/history/historyStore';
import { listTranscriptFiles } from '../../src/core/files/discover';
import type { Corpus } from './generate';

export interface HistoryBenchRow {
  metric: string;
  value: string;
  target: string;
  /** Undefined for a figure with no target. */
  pass?: boolean;
}

const WORKER = path.resolve(__dirname, '..', '..', 'dist', 'lazy', 'historyIndexWorker.js');
const REOPEN_RUNS = 5;

export async function historyBenchRows(corpus: Corpus, log: (text: string) => void): Promise<HistoryBenchRow[]> {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` (npm run bench does)`);
  // "30 days" of the corpus as it was generated: up to its newest file.
  const files = await listTranscriptFiles([corpus.configDir]);
  const now = Math.max(...files.map((file) => file.mtimeMs)) + 60_000;
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-bench-history-'));
  const configDirs = [corpus.configDir];
  try {
    log('History index: first build in the worker ...');
    const started = performance.now();
    const built = await buildIndexInWorker({ storeFile: indexFileFor(storageDir, configDirs), configDirs, now }, undefined, WORKER);
    const firstMs = performance.now() - started;
    const storedMB = fs.statSync(indexFileFor(storageDir, configDirs)).size / 1024 / 1024;

    const reopenMs: number[] = [];
    let reread = 0;
    for (let run = 0; run < REOPEN_RUNS; run++) {
      const begin = performance.now();
      const index = loadIndex(indexFileFor(storageDir, configDirs), configDirs);
      const stats = await refreshIndex(index, { now });
      reopenMs.push(performance.now() - begin);
      reread += stats.readWhole + stats.readAppended;
    }
    const reopen = [...reopenMs].sort((a, b) => a - b)[Math.floor(REOPEN_RUNS / 2)];
    const found = indexedEvents(built.index, now - 30 * 86_400_000).length;
    const planted = corpus.planted.length;
    return [
      { metric: 'history index, first build (30 days, worker)', value: `${(firstMs / 1000).toFixed(2)} s, ${built.stats.files} files`, target: '≤ 2 s', pass: firstMs <= 2000 },
      { metric: 'history index, reopen (load + check files)', value: `${reopen.toFixed(0)} ms${reread ? `, ${reread} files read again` : ''}`, target: '≤ 200 ms', pass: reopen <= 200 && reread === 0 },
      { metric: 'history index, stored size', value: `${storedMB.toFixed(1)} MB` , target: '' },
      { metric: 'history index found the planted events', value: `${found} of ${planted}`, target: `exactly ${planted}`, pass: found === planted },
    ];
  } finally {
    fs.rmSync(storageDir, { recursive: true, force: true });
  }
}
