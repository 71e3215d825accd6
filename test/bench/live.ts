// `watch` as it lives beside Claude Code: start-up until live on a small config dir; latency from
// an append to the matching line on its stdout; its CPU while idle; and its CPU while a session
// grows with ordinary lines (no errors) at 1 MB/min and 20 MB/min.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listTranscriptFiles } from '../../src/core/files/discover';
import { DIRTY_MARKER, type Corpus } from './generate';
import { CLI, type ScanRecord } from './scan';
import { median, percentile, processCpuMs, processPeakRssMB, sleep, type Bench, type BenchSection } from './table';

const LIVE_APPENDS = 200;
const IDLE_SECONDS = 10;
const SETTLING_SECONDS = 12;
const GROWTH_SECONDS = 20;
/** The small config dir `watch` starts on for the start-up and cost-of-living figures. */
const SMALL_CORPUS_MB = 8;

/** A running `watch --json` with the lines it printed, by uuid. */
class Watch {
  readonly child: ChildProcessWithoutNullStreams;
  readonly arrivals = new Map<string, number>();
  private readonly waiters = new Map<string, () => void>();
  stderr = '';
  readonly exited: Promise<number | null>;
  private live: (() => void) | null = null;
  readonly startedAt = performance.now();
  liveAt: number | null = null;

  constructor(configDir: string) {
    this.child = spawn(process.execPath, [CLI, 'watch', '--config-dir', configDir, '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (data: string) => {
      const now = performance.now();
      pending += data;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.trim() === '') continue;
        const uuid = (JSON.parse(line) as ScanRecord).uuid;
        if (uuid === null) continue;
        this.arrivals.set(uuid, now);
        this.waiters.get(uuid)?.();
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (data: string) => {
      this.stderr += data;
      if (this.liveAt === null && this.stderr.includes('Watching')) {
        this.liveAt = performance.now();
        this.live?.();
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves when watch says it is live (its "Watching ..." line on stderr). */
  async untilLive(limitMs: number): Promise<number> {
    if (this.liveAt === null) await Promise.race([new Promise<void>((resolve) => (this.live = resolve)), sleep(limitMs), this.exited]);
    if (this.liveAt === null) throw new Error(`watch did not say it was live within ${limitMs} ms: ${this.stderr}`);
    return this.liveAt - this.startedAt;
  }

  /** Appends a final failure to `file` and waits until watch prints it: the latency, or null. */
  async appendAndWait(file: string, limitMs: number): Promise<number | null> {
    const uuid = randomUUID();
    const seen = new Promise<void>((resolve) => this.waiters.set(uuid, resolve));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, failureLine(uuid, file) + '\n');
    const appended = performance.now();
    await Promise.race([seen, sleep(limitMs)]);
    this.waiters.delete(uuid);
    const arrival = this.arrivals.get(uuid);
    return arrival === undefined ? null : arrival - appended;
  }

  async stop(bench: Bench | null): Promise<void> {
    this.child.kill('SIGINT');
    const code = await Promise.race([this.exited, sleep(5000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      bench?.row('watch stops on SIGINT', 'no (killed after 5 s)', 'exits', false);
    } else {
      bench?.row('watch stops on SIGINT', `exit code ${code}`, 'exits', true);
    }
  }
}

/** Start-up until live on a small config dir, and the CPU of living beside a growing session. */
export const watchCostSection: BenchSection = {
  name: 'watch: start-up and cost of living',
  run: async (bench) => {
    const corpus = bench.corpus('sparse', SMALL_CORPUS_MB);
    const startups: number[] = [];
    for (let run = 0; run < 5; run++) {
      const watch = new Watch(corpus.configDir);
      try {
        startups.push(await watch.untilLive(10_000));
      } finally {
        await watch.stop(null);
      }
    }
    const startup = median(startups);
    bench.row(`watch start-up until live (${SMALL_CORPUS_MB} MB config dir)`, `${startup.toFixed(0)} ms`, '≤ 200 ms', startup <= 200);

    await withAppends(corpus, async (session) => {
      const watch = new Watch(corpus.configDir);
      try {
        await watch.untilLive(10_000);
        // The first seconds after start-up hold V8's own clean-up of start-up garbage (its memory
        // reducer runs a few full collections): shown apart, so the idle figure is the cost of living.
        const settlingMs = await cpuOver(watch, () => sleep(SETTLING_SECONDS * 1000));
        if (settlingMs !== null) bench.row(`watch CPU in its first ${SETTLING_SECONDS} s after live (start-up GC)`, `${settlingMs} ms`);
        const idleMs = await cpuOver(watch, () => sleep(IDLE_SECONDS * 1000));
        if (idleMs === null) bench.row(`watch CPU while idle (${IDLE_SECONDS} s, after those)`, 'n/a (needs /proc)');
        else bench.row(`watch CPU while idle (${IDLE_SECONDS} s, after those)`, `${idleMs} ms (${percentOfCore(idleMs, IDLE_SECONDS)})`, '0 (≤ 1 tick)', idleMs <= 10);
        for (const [rateMB, target] of [
          [1, 1],
          [20, 5],
        ] as const) {
          const used = await cpuOver(watch, () => grow(session, rateMB, GROWTH_SECONDS));
          // A failure appended after the growth must come out: proof that watch read it all.
          const followed = (await watch.appendAndWait(session, 5000)) !== null;
          if (used === null) continue;
          const percent = (used / (GROWTH_SECONDS * 1000)) * 100;
          const value = `${percent.toFixed(2)} % of a core (${used} ms in ${GROWTH_SECONDS} s)${followed ? '' : '; it did NOT follow the session'}`;
          bench.row(`watch CPU, a session growing ${rateMB} MB/min`, value, `≤ ${target} %`, followed && percent <= target);
        }
        const peak = processPeakRssMB(watch.child.pid!);
        if (peak !== null) bench.row('watch peak RSS', `${peak.toFixed(0)} MB`);
      } finally {
        await watch.stop(null);
      }
    });
  },
};

/** Latency from append to printed line on the main corpus, in old and new files. */
export function liveLatencySection(sizeMB: number): BenchSection {
  return {
    name: `watch: live latency (sparse ${sizeMB} MB)`,
    run: async (bench) => {
      const corpus = bench.corpus('sparse', sizeMB);
      const projects = path.join(corpus.configDir, 'projects');
      // Appends go to old sessions (main and subagent files), a new session and a new project.
      const all = await listTranscriptFiles([corpus.configDir]);
      const existing = [...all.filter((f) => !f.path.includes(`${path.sep}subagents${path.sep}`)).slice(-4), ...all.filter((f) => f.path.includes('subagents')).slice(-2)];
      const newSession = path.join(path.dirname(existing[0].path), 'bench-live-session.jsonl');
      const targets = [...existing.map((f) => f.path), newSession, path.join(projects, '-home-dev-bench-live', 'bench-live-project.jsonl')];
      await withAppends(corpus, async () => {
        const watch = new Watch(corpus.configDir);
        try {
          const startup = await watch.untilLive(60_000);
          bench.row(`watch start-up until live (${sizeMB} MB config dir)`, `${startup.toFixed(0)} ms`);
          const latencies: number[] = [];
          let lost = 0;
          for (let i = 0; i < LIVE_APPENDS; i++) {
            const latency = await watch.appendAndWait(targets[i % targets.length], 3000);
            if (latency === null) lost++;
            else latencies.push(latency);
            await sleep(10 + Math.random() * 30);
          }
          latencies.sort((a, b) => a - b);
          const p99 = percentile(latencies, 0.99);
          bench.row(`live latency p50 / p99 / max (${LIVE_APPENDS} appends)`, `${percentile(latencies, 0.5).toFixed(1)} / ${p99.toFixed(1)} / ${latencies[latencies.length - 1].toFixed(1)} ms`, 'p99 ≤ 50 ms', p99 <= 50);
          bench.row('live appends not printed within 3 s', String(lost), '0', lost === 0);
          await watch.stop(bench);
        } finally {
          if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
        }
      }, targets);
    },
  };
}

/**
 * Runs `body` with a session file it may append to; afterwards the corpus is as it was (appended
 * files truncated back, new files removed), so its planted counts stay true.
 */
async function withAppends(corpus: Corpus, body: (session: string) => Promise<void>, extraTargets: string[] = []): Promise<void> {
  const dirty = path.join(corpus.configDir, DIRTY_MARKER);
  fs.writeFileSync(dirty, 'the bench appended here; a later run regenerates unless restored\n');
  const all = await listTranscriptFiles([corpus.configDir]);
  const session = all.filter((f) => !f.path.includes(`${path.sep}subagents${path.sep}`)).at(-1)!.path;
  const touched = [...new Set([session, ...extraTargets])];
  const originals = touched.filter((file) => fs.existsSync(file)).map((file) => ({ file, stat: fs.statSync(file) }));
  try {
    await body(session);
  } finally {
    for (const file of touched) {
      const original = originals.find((o) => o.file === file);
      if (original) {
        fs.truncateSync(file, original.stat.size);
        fs.utimesSync(file, original.stat.atime, original.stat.mtime);
      } else {
        fs.rmSync(file, { force: true });
        const dir = path.dirname(file);
        if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
      }
    }
    fs.rmSync(dirty, { force: true });
  }
}

/** Appends ordinary lines (a prompt, answers, tool results; no error) at `rateMB` per minute. */
async function grow(file: string, rateMB: number, seconds: number): Promise<void> {
  const tickMs = 100;
  const bytesPerTick = (rateMB * 1024 * 1024) / ((60 * 1000) / tickMs);
  const started = performance.now();
  let written = 0;
  let n = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = ((performance.now() - started) / tickMs + 1) * bytesPerTick;
    const lines: string[] = [];
    while (written < due) {
      const line = ordinaryLine(file, n++, 600 + (n % 7) * 900);
      lines.push(line);
      written += line.length + 1;
    }
    if (lines.length > 0) fs.appendFileSync(file, lines.join('\n') + '\n');
    await sleep(tickMs);
  }
}

async function cpuOver(watch: Watch, during: () => Promise<void>): Promise<number | null> {
  const before = processCpuMs(watch.child.pid!);
  await during();
  const after = processCpuMs(watch.child.pid!);
  return before === null || after === null ? null : after - before;
}

function percentOfCore(ms: number, seconds: number): string {
  return `${((ms / (seconds * 1000)) * 100).toFixed(2)} % of a core`;
}

const FILLER = 'const value = await handler.parse(request); // the session goes on as usual\n'.repeat(200);

/** An ordinary transcript line: a user prompt, an assistant answer or a tool result. */
function ordinaryLine(file: string, n: number, length: number): string {
  const envelope = { parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/src/bench', sessionId: path.basename(file, '.jsonl'), version: '2.1.215', gitBranch: 'main', uuid: randomUUID(), timestamp: new Date().toISOString() };
  const text = FILLER.slice(0, length);
  if (n % 3 === 1) {
    return JSON.stringify({ ...envelope, type: 'assistant', message: { id: `msg_${n}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text }] }, requestId: `req_bench${n}` });
  }
  if (n % 3 === 2) return JSON.stringify({ ...envelope, type: 'user', message: { role: 'user', content: [{ tool_use_id: `toolu_${n}`, type: 'tool_result', content: text }] } });
  return JSON.stringify({ ...envelope, type: 'user', message: { role: 'user', content: text } });
}

/** A 2.1.108+ final failure (ARCHITECTURE.md §1.1) with a unique uuid. */
function failureLine(uuid: string, file: string): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: file.includes('subagents'),
    userType: 'external',
    cwd: '/home/dev/src/bench',
    sessionId: path.basename(file, '.jsonl'),
    version: '2.1.215',
    gitBranch: 'main',
    entrypoint: 'cli',
    type: 'assistant',
    uuid,
    timestamp: new Date().toISOString(),
    message: {
      id: randomUUID(),
      model: '<synthetic>',
      role: 'assistant',
      type: 'message',
      stop_reason: 'stop_sequence',
      content: [{ type: 'text', text: 'API Error: 529 Overloaded. The API is under heavy load — try again in a moment.' }],
    },
    isApiErrorMessage: true,
    error: 'overloaded',
    apiErrorStatus: 529,
  });
}
