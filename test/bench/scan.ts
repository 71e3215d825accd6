// Full scans against `grep -c`: for each corpus profile, `scan --since all --json` and
// `grep -rc isApiErrorMessage` over the same files on a warm page cache, run in turn (grep, scan,
// node, grep, scan, node, ...) so the ratios are taken triple by triple; the scan's peak RSS; and
// that it finds exactly the planted events. `node -e 0` is the floor of any Node command: where
// grep reads the whole corpus in less time than Node takes to start, no Node scan can reach 2×,
// and the table says so beside the ratio, with the scan's own share (its wall time less `node -e 0`'s).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listTranscriptFiles } from '../../src/core/files/discover';
import { readCompleteLinesSync } from '../../src/core/files/lines';
import type { Corpus, CorpusProfile } from './generate';
import { median, timed, type Bench, type BenchSection } from './table';

const MB = 1024 * 1024;
const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
const USAGE_PRELOAD = path.join(__dirname, 'report-usage.cjs');
/** Fields every `scan --json` / `watch --json` line must carry. */
export const JSON_FIELDS = ['kind', 'uuid', 'sessionId', 'timestamp', 'status', 'class', 'requestId', 'requestIds', 'message', 'version', 'model', 'cwd', 'file', 'line', 'attempt', 'maxRetries'];

interface Run {
  wall: number;
  cpu: number;
}

/** The scan's wall time over grep's it must stay within, and the one it aims at. */
export interface ScanTarget {
  ratio: number;
  stretch: number;
}
const DEFAULT_TARGET: ScanTarget = { ratio: 2, stretch: 1 };

/** A scan-vs-grep section for one profile and size. */
export function scanSection(profile: CorpusProfile, sizeMB: number, runs: number, target = DEFAULT_TARGET): BenchSection {
  return {
    name: `scan: ${profile} ${sizeMB} MB`,
    run: async (bench) => measureScan(bench, bench.corpus(profile, sizeMB), runs, target),
  };
}

async function measureScan(bench: Bench, corpus: Corpus, runs: number, target: ScanTarget): Promise<void> {
  const planted = corpus.planted.filter((p) => p.kind === 'failure').length;
  bench.log(`   ${(corpus.bytes / MB).toFixed(0)} MB in ${corpus.files} files; planted ${planted} failures + ${corpus.planted.length - planted} retries, ${corpus.decoys} decoys`);
  warmPageCache(await listTranscriptFiles([corpus.configDir]));

  const projects = path.join(corpus.configDir, 'projects');
  const grepCounts = path.join(os.tmpdir(), `claude-api-watch-bench-grep-${process.pid}.txt`);
  const grepRuns: Run[] = [];
  const scanRuns: (Run & { rssKB: number })[] = [];
  const nodeWalls: number[] = [];
  let stdout = '';
  for (let run = 0; run < runs; run++) {
    // grep through bash's `time` for its CPU time too; -r with --include reads exactly the transcripts.
    // Its counts go to a file, as the scan's output goes to a pipe: with its output on /dev/null,
    // GNU grep stops reading each file at its first match (nobody can see the count), and took
    // 0.04 s where counting the 100 MB corpus takes 0.07 s.
    const grep = spawnSync('bash', ['-c', `TIMEFORMAT='%3R %3U %3S'; time grep -rc --include='*.jsonl' isApiErrorMessage "$0" > "$1"`, projects, grepCounts], { encoding: 'utf8' });
    const [wall, user, sys] = grep.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    grepRuns.push({ wall, cpu: user + sys });

    const started = performance.now();
    const scan = spawnSync(process.execPath, ['-r', USAGE_PRELOAD, CLI, 'scan', '--config-dir', corpus.configDir, '--since', 'all', '--json'], { encoding: 'utf8', maxBuffer: 512 * MB });
    const scanWall = (performance.now() - started) / 1000;
    if (scan.status !== 0) throw new Error(`scan exited ${scan.status}: ${scan.stderr}`);
    const usage = /bench-usage maxRSS_KB=(\d+) cpu_us=(\d+)/.exec(scan.stderr);
    if (!usage) throw new Error(`no usage report from the preload: ${scan.stderr}`);
    scanRuns.push({ wall: scanWall, cpu: Number(usage[2]) / 1e6, rssKB: Number(usage[1]) });
    stdout = scan.stdout;

    nodeWalls.push(timed(process.execPath, ['-e', '0']) / 1000);
  }
  rmSync(grepCounts, { force: true });
  const wallRatio = median(scanRuns.map((r, i) => r.wall / grepRuns[i].wall));
  const floorRatio = median(nodeWalls.map((wall, i) => wall / grepRuns[i].wall));
  // What the scan itself costs beside grep, Node's own start-up (measured in the same triple) taken out.
  const ownRatio = median(scanRuns.map((r, i) => (r.wall - nodeWalls[i]) / grepRuns[i].wall));
  const cpuRatio = median(scanRuns.map((r, i) => r.cpu / grepRuns[i].cpu));
  const scanWall = median(scanRuns.map((r) => r.wall));
  const grepWall = median(grepRuns.map((r) => r.wall));
  const peakRss = Math.max(...scanRuns.map((r) => r.rssKB)) / 1024;
  const mb = corpus.bytes / MB;

  bench.row('scan --since all, wall', `${scanWall.toFixed(2)} s, ${(mb / scanWall).toFixed(0)} MB/s`);
  bench.row('grep -c, wall', `${grepWall.toFixed(2)} s, ${(mb / grepWall).toFixed(0)} MB/s`);
  bench.row('scan / grep -c, wall', `${wallRatio.toFixed(2)}×`, `≤ ${target.ratio}× (stretch < ${target.stretch}×)`, wallRatio <= target.ratio);
  bench.row(
    'floor: node -e 0 / grep -c, wall',
    `${floorRatio.toFixed(2)}× (node -e 0: ${(median(nodeWalls) * 1000).toFixed(0)} ms)` + (floorRatio > 1 ? '; Node alone takes longer than grep' : ''),
  );
  bench.row('scan less node -e 0 / grep -c, wall', `${ownRatio.toFixed(2)}×`);
  bench.row('scan / grep -c, CPU', `${cpuRatio.toFixed(2)}× (${median(scanRuns.map((r) => r.cpu)).toFixed(2)} s vs ${median(grepRuns.map((r) => r.cpu)).toFixed(2)} s)`);
  bench.row('scan peak RSS', `${peakRss.toFixed(0)} MB`, '≤ 150 MB', peakRss <= 150);
  const check = compareWithPlanted(corpus, parseJsonLines(stdout));
  bench.row('scan found the planted events', check.summary, `exactly ${corpus.planted.length}`, check.exact);
  for (const detail of check.details) bench.log(`   ${detail}`);
}

/** Reads every file once, so what is timed next is the work, not the disk (the page cache here holds about 2 GB). */
export function warmPageCache(files: ReadonlyArray<{ path: string }>): void {
  for (const file of files) readCompleteLinesSync(file.path, 0, 1, () => {});
}

export interface ScanRecord {
  kind: string;
  uuid: string | null;
  [field: string]: unknown;
}

export function parseJsonLines(stdout: string): ScanRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ScanRecord);
}

function compareWithPlanted(corpus: Corpus, records: ScanRecord[]): { exact: boolean; summary: string; details: string[] } {
  const planted = new Map(corpus.planted.map((p) => [p.uuid, p]));
  const found = new Map(records.map((r) => [r.uuid, r]));
  const missing = corpus.planted.filter((p) => !found.has(p.uuid));
  const extra = records.filter((r) => r.uuid === null || !planted.has(r.uuid));
  const wrongKind = records.filter((r) => r.uuid !== null && planted.has(r.uuid) && planted.get(r.uuid)!.kind !== r.kind);
  const missingFields = JSON_FIELDS.filter((field) => records.some((r) => !(field in r)));
  const failures = records.filter((r) => r.kind === 'failure').length;
  const details: string[] = [];
  for (const p of missing.slice(0, 5)) details.push(`missing ${p.kind} ${p.uuid} in ${p.file}`);
  for (const r of extra.slice(0, 5)) details.push(`not planted: ${JSON.stringify(r).slice(0, 200)}`);
  for (const r of wrongKind.slice(0, 5)) details.push(`wrong kind: ${r.uuid} is ${r.kind}`);
  if (missingFields.length > 0) details.push(`JSON lines lack fields: ${missingFields.join(', ')}`);
  const exact = missing.length === 0 && extra.length === 0 && wrongKind.length === 0 && missingFields.length === 0;
  const summary = `${failures} failures + ${records.length - failures} retries` + (exact ? ', exact' : `; ${missing.length} missing, ${extra.length} extra`);
  return { exact, summary, details };
}
