// The benchmark: `npm run bench [sizeMB] [section]` (default 1024; a section's name, or part of it,
// runs that section alone, e.g. `npm run bench 1024 history`) builds the production bundles, then
// measures each figure of issue 14 beside its target and prints them in one table:
// - full scans against `grep -c` on synthetic corpora (generate.ts): sparse at the given size and
//   at 100 MB, a dense "outage week" (0.4 × size), huge lines (0.25 × size) and many small sessions
//   with a few failures each (0.4 × size, issue 28); ratios pair by pair;
// - activation: the bundle's size, load + activate() with a stand-in `vscode`, the CLI's start-up;
//   and VS Code's own activation figure in each installed code-server (editorActivation.ts);
// - watch: start-up until live, latency, idle CPU, CPU beside a session growing at 1 and 20 MB/min;
// - the history index: first build and reopening (history.ts), on the sparse corpus and on many small sessions.
// - the bug report: built for a 64 KB error text, Markdown, URL and JSON (report.ts).
// Public tools only (node, bash, grep). Each section is a BenchSection (table.ts): add one to
// SECTIONS below and its rows join the table.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { activationSection } from './activation';
import { measureAsUsersRunIt } from './environment';
import { chaosSection } from './chaos';
import { editorActivationSection } from './editorActivation';
import { ensureCorpus, type Corpus, type CorpusProfile } from './generate';
import { historyBenchRows } from './history';
import { liveLatencySection, watchCostSection } from './live';
import { reportSection } from './report';
import { scanSection, CLI } from './scan';
import { Bench, type BenchSection } from './table';

async function main(): Promise<void> {
  const sizeMB = Number(process.argv[2] ?? 1024);
  if (!Number.isFinite(sizeMB) || sizeMB <= 0) throw new Error(`size in MB expected, got ${process.argv[2]}`);
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run bench does)`);
  const corpora = new Map<string, Corpus>();
  const bench = new Bench(sizeMB, (profile: CorpusProfile, mb: number) => {
    const key = `${profile}:${mb}`;
    if (!corpora.has(key)) corpora.set(key, ensureCorpus(mb, (text) => console.log(`   ${text}`), profile));
    return corpora.get(key)!;
  });
  bench.log(`Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim() ?? '?'}, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  // Before anything is started: every command timed runs in a user's environment (environment.ts).
  const environment = measureAsUsersRunIt();
  const scaled = (factor: number) => Math.max(8, Math.round(sizeMB * factor));
  const SECTIONS: BenchSection[] = [
    ...(environment ? [environment] : []),
    scanSection('sparse', sizeMB, sizeMB >= 512 ? 3 : 5),
    ...(sizeMB > 100 ? [scanSection('sparse', 100, 5)] : []),
    // Five triples: with three, one noisy run moved the huge-lines median from 1.0× to 2.2×.
    scanSection('dense', scaled(0.4), 5),
    scanSection('huge-lines', scaled(0.25), 5),
    // A heavy user's month: what it costs grows with files, marked lines and events, not bytes.
    scanSection('many-small', scaled(0.4), 7, { ratio: 1.5, stretch: 1 }),
    activationSection,
    editorActivationSection,
    watchCostSection,
    liveLatencySection(sizeMB),
    {
      name: `history index (sparse ${sizeMB} MB)`,
      run: async (b) => {
        for (const r of await historyBenchRows(b.corpus('sparse', sizeMB), b.log)) b.row(r.metric, r.value, r.target, r.pass);
      },
    },
    {
      name: `history index (many-small ${scaled(0.4)} MB)`,
      run: async (b) => {
        for (const r of await historyBenchRows(b.corpus('many-small', scaled(0.4)), b.log, 1000)) b.row(r.metric, r.value, r.target, r.pass);
      },
    },
    chaosSection,
    reportSection,
  ];
  const only = process.argv[3]?.toLowerCase();
  for (const section of SECTIONS) if (!only || section === environment || section.name.toLowerCase().includes(only)) await bench.runSection(section);
  bench.print();
  if (bench.failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
