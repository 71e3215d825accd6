// The larger chaos run (test/support/chaos.ts) for `npm run bench`: several seeds in both watch
// modes, its counts printed and one row per run in the table. Also runs alone:
// `node --import tsx test/bench/chaos.ts [seed ...]`.
import { runChaos, type ChaosCounts } from '../support/chaos';
import type { BenchSection } from './table';

const SEEDS = [0xc4a0_0001, 0xc4a0_0002];

export const chaosSection: BenchSection = {
  name: 'chaos (watcher against a hostile config dir)',
  run: async (bench) => {
    await runChaosBench(bench.log, SEEDS, (metric, value, pass) => bench.row(metric, value, 'every line once or after a reset; canary live; bad entries named once', pass));
  },
};

/** Runs every seed in both watch modes and logs the counts; throws at the first broken invariant. */
export async function runChaosBench(
  log: (text: string) => void,
  seeds = SEEDS,
  row: (metric: string, value: string, pass: boolean) => void = () => {},
): Promise<void> {
  if (process.platform === 'win32') {
    log('   skipped: FIFOs, sockets and modes are POSIX');
    return;
  }
  const runs: ChaosCounts[] = [];
  for (const seed of seeds) {
    for (const watchMode of ['per-directory', 'poll'] as const) {
      const started = Date.now();
      const counts = await runChaos({ seed, steps: 400, subjects: 20, fillers: 1000, longLineBytes: 3 * 1024 * 1024, watchMode, checkEvery: 50 });
      runs.push(counts);
      log(
        `   seed ${seed.toString(16)} ${watchMode.padEnd(13)} ${counts.steps} steps, ${counts.appends} appends (${(counts.bytesAppended / 1024 / 1024).toFixed(1)} MB), ` +
          `${counts.linesWritten} lines written (${counts.longLines} long), ${counts.linesDelivered} delivered, ${counts.resets} resets, ${counts.tornLines} torn; ` +
          `${counts.transcripts} transcripts; ok in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      row(`seed ${seed.toString(16)} ${watchMode}`, `${counts.steps} steps, ${counts.linesDelivered} lines, ${counts.resets} resets`, true);
    }
  }
  const total = (key: keyof ChaosCounts) => runs.reduce((sum, run) => sum + Number(run[key]), 0);
  log(
    `   faults: ${total('truncations')} truncations, ${total('rewritesShorter')} rewrites shorter, ${total('rewritesLonger')} rewrites longer, ` +
      `${total('renames')} renames away and back, ${total('rotations')} rename rotations, ${total('recreations')} deletes and recreations, ` +
      `${total('folderRecreations')} project folders made again, ${total('sameSizeRewrites')} same-size rewrites under the same mtime, ` +
      `${total('oddNames')} odd names, ${total('aliases')} links to folders, ${total('newFiles')} new files, ` +
      `${total('loops')} symlink loops, ${total('danglingLinks')} dangling links, ${total('fifos')} FIFOs, ${total('sockets')} sockets, ` +
      `${total('folders')} folders named *.jsonl, ${total('permissionFlips')} permission flips; ${total('canaries')} canaries seen, ` +
      `${total('problemsNamed')} problems named`,
  );
}

if (require.main === module) {
  const seeds = process.argv.slice(2).map(Number).filter(Number.isFinite);
  runChaosBench((text) => console.log(text), seeds.length > 0 ? seeds : undefined).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
