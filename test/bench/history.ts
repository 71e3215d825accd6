// The history index's section of `npm run bench`: the first build of 30 days of the corpus in the
// shipped worker (dist/lazy/historyIndexWorker.js), reopening it (load the stored index, check
// every file, read nothing new), and the panel's first paint of those 30 days once the index is
// open (history, panel data, the message, the built webview drawing it in Chromium). run.ts prints
// these rows in its table.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildHistory } from '../../src/core/history/history';
import { indexedEvents, indexFileFor, loadIndex, refreshIndex } from '../../src/core/history/index';
import { buildIndexInWorker } from '../../src/core/history/historyStore';
import { toPanelData } from '../../src/core/history/panelData';
import { localTimeZone } from '../../src/core/history/time';
import { openPanelPage } from '../support/historyPanelPage';
import { listTranscriptFiles } from '../../src/core/files/discover';
import type { Corpus } from './generate';
import { warmPageCache } from './scan';

export interface HistoryBenchRow {
  metric: string;
  value: string;
  target: string;
  /** Undefined for a figure with no target. */
  pass?: boolean;
}

const WORKER = path.resolve(__dirname, '..', '..', 'dist', 'lazy', 'historyIndexWorker.js');
const REOPEN_RUNS = 5;
const PAINT_RUNS = 5;
const CHROMIUM = '/usr/bin/chromium';
const MB = 1024 * 1024;

/** A full garbage collection, so heap figures are what is held, not what is waiting to be freed. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** `firstBuildTargetMs`: what the first build of 30 days must stay within. */
export async function historyBenchRows(corpus: Corpus, log: (text: string) => void, firstBuildTargetMs = 2000): Promise<HistoryBenchRow[]> {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` (npm run bench does)`);
  // "30 days" of the corpus as it was generated: up to its newest file.
  const files = await listTranscriptFiles([corpus.configDir]);
  // As for the scans: the sections between them read other corpora.
  warmPageCache(files);
  const now = Math.max(...files.map((file) => file.mtimeMs)) + 60_000;
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-bench-history-'));
  const configDirs = [corpus.configDir];
  try {
    log('History index: first build in the worker ...');
    // The process's peak resident memory while the worker builds (its heap is capped at 256 MB).
    collectGarbage();
    const rssBefore = process.memoryUsage.rss();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const built = await buildIndexInWorker({ storeFile: indexFileFor(storageDir, configDirs), configDirs, now }, undefined, WORKER);
    const firstMs = performance.now() - started;
    // Worker threads are this process's: CPU time over all of them, steadier than wall time on a busy machine.
    const cpu = process.cpuUsage(cpuBefore);
    const firstCpuS = (cpu.user + cpu.system) / 1e6;
    clearInterval(sampler);
    const buildRssMB = (rssPeak - rssBefore) / MB;
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

    // What the editor holds while the panel is open: the index, and the 30-day history built from it.
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const held = loadIndex(indexFileFor(storageDir, configDirs), configDirs);
    const history = buildHistory(indexedEvents(held, now - 30 * 86_400_000), { sinceMs: now - 30 * 86_400_000, untilMs: now, bucket: 'day', timeZone: 'UTC', quietPeriodMs: 10 * 60_000 });
    collectGarbage();
    const heldMB = (process.memoryUsage().heapUsed - heapBefore) / MB;
    if (history.episodes.length < 0 || Object.keys(held.files).length < 0) throw new Error('unreachable: keeps both alive until measured');
    const paint = await firstPaint(held, now, log);
    const found = indexedEvents(built.index, now - 30 * 86_400_000).length;
    const planted = corpus.planted.length;
    return [
      { metric: 'history index, first build (30 days, worker + scan threads)', value: `${(firstMs / 1000).toFixed(2)} s (CPU ${firstCpuS.toFixed(2)} s), ${built.stats.files} files, ${(built.stats.bytesRead / MB).toFixed(0)} MB`, target: `≤ ${firstBuildTargetMs / 1000} s`, pass: firstMs <= firstBuildTargetMs },
      { metric: 'history index, reopen (load + check files)', value: `${reopen.toFixed(0)} ms${reread ? `, ${reread} files read again` : ''}`, target: '≤ 200 ms', pass: reopen <= 200 && reread === 0 },
      { metric: 'history index, stored size', value: `${storedMB.toFixed(1)} MB`, target: '' },
      { metric: 'history index, first build: peak RSS growth (worker)', value: `${buildRssMB.toFixed(0)} MB`, target: '≤ 300 MB', pass: buildRssMB <= 300 },
      { metric: 'history panel: index + 30-day history held (heap)', value: `${heldMB.toFixed(1)} MB`, target: '≤ 50 MB', pass: heldMB <= 50 },
      paint
        ? { metric: 'history panel, first paint of 30 days after the index is open (data + webview)', value: `${paint.totalMs.toFixed(0)} ms (data ${paint.dataMs.toFixed(0)} ms for ${paint.episodes} episodes and ${paint.buckets} bars, message ${paint.messageMs.toFixed(0)} ms, page ${paint.drawMs.toFixed(0)} ms to the painted frame)`, target: '≤ 300 ms', pass: paint.totalMs <= 300 }
        : { metric: 'history panel, first paint', value: `not measured: no ${CHROMIUM}`, target: '≤ 300 ms' },
      { metric: 'history index found the planted events', value: `${found} of ${planted}`, target: `exactly ${planted}`, pass: found === planted },
    ];
  } finally {
    fs.rmSync(storageDir, { recursive: true, force: true });
  }
}

/**
 * What the user waits for once the index is open: the 30-day history and the panel's data built
 * from it, the message serialised, and the built webview on a freshly loaded page parsing it and
 * drawing it until the frame after. The driver's own transport to the page is not counted (the
 * editor's is not this one). Median of PAINT_RUNS.
 */
async function firstPaint(index: ReturnType<typeof loadIndex>, now: number, log: (text: string) => void) {
  if (!fs.existsSync(CHROMIUM)) return null;
  log('History panel: first paint in Chromium ...');
  const page = await openPanelPage({ width: 930, height: 657 });
  try {
    const runs: Array<{ dataMs: number; messageMs: number; drawMs: number; totalMs: number; episodes: number; buckets: number }> = [];
    for (let run = 0; run < PAINT_RUNS; run++) {
      await page.page.reload();
      const started = performance.now();
      const sinceMs = now - 30 * 86_400_000;
      const history = buildHistory(indexedEvents(index, sinceMs), { sinceMs, untilMs: now, bucket: 'day', timeZone: localTimeZone(), quietPeriodMs: 10 * 60_000 });
      const data = toPanelData(history, { range: '30d', scope: 'all', incidents: [] });
      const dataMs = performance.now() - started;
      // The extension side of postMessage: the message serialised (the page side is in drawMs).
      const serialised = performance.now();
      JSON.stringify({ type: 'history', data });
      const messageMs = performance.now() - serialised;
      const drawMs = await page.paint(data);
      runs.push({ dataMs, messageMs, drawMs, totalMs: dataMs + messageMs + drawMs, episodes: data.episodes.length, buckets: data.buckets.length });
    }
    return runs.sort((a, b) => a.totalMs - b.totalMs)[Math.floor(PAINT_RUNS / 2)];
  } finally {
    await page.close();
  }
}
