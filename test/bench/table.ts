// The one table `npm run bench` prints: every figure beside its target. Sections (scan.ts,
// activation.ts, live.ts, ...) add rows; run.ts lists the sections and prints the table at the end.
//
// To add a section: write `export const mySection: BenchSection = { name, run: async (bench) => ... }`
// in its own file, call `bench.row(...)` for each figure, and add it to SECTIONS in run.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Corpus, CorpusProfile } from './generate';

export interface Row {
  section: string;
  metric: string;
  value: string;
  target: string;
  verdict: 'ok' | 'FAIL' | '';
}

export interface BenchSection {
  name: string;
  run(bench: Bench): Promise<void>;
}

export class Bench {
  readonly rows: Row[] = [];
  private section = '';

  constructor(
    /** The size argument of `npm run bench` (MB). */
    readonly sizeMB: number,
    /** The cached corpus of a profile and size (generated on first use). */
    readonly corpus: (profile: CorpusProfile, sizeMB: number) => Corpus,
    readonly log: (text: string) => void = (text) => console.log(text),
  ) {}

  /** One figure; `pass` undefined means informative only (no verdict). */
  row(metric: string, value: string, target = '', pass?: boolean): void {
    this.rows.push({ section: this.section, metric, value, target, verdict: pass === undefined ? '' : pass ? 'ok' : 'FAIL' });
  }

  async runSection(section: BenchSection): Promise<void> {
    this.section = section.name;
    this.log(`\n== ${section.name}`);
    const started = performance.now();
    try {
      await section.run(this);
    } catch (error) {
      this.row('section failed', (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 120), 'runs', false);
      this.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    this.log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  print(): void {
    const header: Row = { section: 'SECTION', metric: 'FIGURE', value: 'MEASURED', target: 'TARGET', verdict: '' };
    const all = [header, ...this.rows];
    const width = (key: keyof Row) => Math.max(...all.map((r) => r[key].length));
    const widths = { section: width('section'), metric: width('metric'), value: width('value'), target: width('target') };
    this.log('');
    this.log(`Results (npm run bench ${this.sizeMB}; ${os.cpus().length} cores, load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    for (const r of all) {
      this.log(`  ${r.section.padEnd(widths.section)}  ${r.metric.padEnd(widths.metric)}  ${r.value.padEnd(widths.value)}  ${r.target.padEnd(widths.target)}  ${r.verdict}`.trimEnd());
    }
    const load = os.loadavg()[0];
    if (load > os.cpus().length) this.log(`  (load average ${load.toFixed(1)} on ${os.cpus().length} cores: other work competed; ratios of CPU time are the steadier measure)`);
  }

  get failed(): boolean {
    return this.rows.some((r) => r.verdict === 'FAIL');
  }
}

// ---- helpers shared by sections ---------------------------------------------------------------

/** Wall time in ms of a command that must succeed, its output thrown away. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = performance.now();
  const child = spawnSync(command, args, { stdio: 'ignore', env });
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${child.status}`);
  return performance.now() - started;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let clockTicks: number | null = null;

/** utime + stime of a process (all its threads), from /proc (Linux); null elsewhere. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return Math.round((ticks * 1000) / clockTicks);
  } catch {
    return null;
  }
}

export function processPeakRssMB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
