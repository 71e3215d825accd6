// What activation costs the user: the size of what the editor loads at start-up, and load +
// `activate()` of the production bundle in plain Node with a stand-in `vscode` module (fresh
// process each time, as the extension host loads it once). The CLI's fixed start-up, beside bare
// Node's.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from './scan';
import { median, timed, type BenchSection } from './table';

const ROOT = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'extension.js');
const RUNS = 9;

export const activationSection: BenchSection = {
  name: 'activation',
  run: async (bench) => {
    const bundleKB = fs.statSync(BUNDLE).size / 1024;
    const production = !fs.readFileSync(BUNDLE, 'utf8').includes('sourceMappingURL');
    bench.row('dist/extension.js, activation path', `${bundleKB.toFixed(0)} KB${production ? '' : ' (not a production build)'}`, '≤ 150 KB', bundleKB <= 150);
    const lazy = path.join(ROOT, 'dist', 'lazy');
    if (fs.existsSync(lazy)) {
      const files = fs.readdirSync(lazy).filter((f) => f.endsWith('.js'));
      const sizes = files.map((f) => fs.statSync(path.join(lazy, f)).size / 1024);
      bench.log(`   lazy modules: ${files.map((f, i) => `${f} ${sizes[i].toFixed(0)} KB`).join(', ')}`);
      bench.row('dist/lazy/*.js (loaded on first use)', `${files.length} files, ${sizes.reduce((a, b) => a + b, 0).toFixed(0)} KB`);
    }

    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-bench-activate-'));
    fs.mkdirSync(path.join(configDir, 'projects'));
    try {
      const results: { loadMs: number; activateMs: number; lazyLoaded: string[]; problems: string[] }[] = [];
      for (let run = 0; run < RUNS; run++) {
        const child = spawnSync(process.execPath, [path.join(__dirname, 'activate-child.cjs'), BUNDLE, configDir, path.join(ROOT, 'package.json')], { encoding: 'utf8' });
        const result = JSON.parse(child.stdout.trim().split('\n').pop() || '{}');
        if (result.error || child.status !== 0) throw new Error(`activation failed: ${result.error ?? child.stderr}`);
        results.push(result);
      }
      const load = median(results.map((r) => r.loadMs));
      const total = median(results.map((r) => r.loadMs + r.activateMs));
      bench.row('load + activate() in plain Node', `${total.toFixed(1)} ms (load ${load.toFixed(1)} ms)`, '≤ 20 ms', total <= 20);
      const lazyLoaded = [...new Set(results.flatMap((r) => r.lazyLoaded))];
      bench.row('lazy modules loaded by activation', lazyLoaded.length === 0 ? 'none' : lazyLoaded.join(', '), 'none', lazyLoaded.length === 0);
      const problems = [...new Set(results.flatMap((r) => r.problems))];
      if (problems.length > 0) bench.row('activation logged errors', problems[0].slice(0, 100), 'none', false);
    } finally {
      fs.rmSync(configDir, { recursive: true, force: true });
    }

    // The CLI's fixed cost: `--help` against bare `node -e 0`, in turn, pair by pair.
    const differences: number[] = [];
    for (let run = 0; run < 15; run++) {
      const bare = timed(process.execPath, ['-e', '0']);
      const help = timed(process.execPath, [CLI, '--help']);
      differences.push(help - bare);
    }
    const extra = median(differences);
    bench.row('CLI start-up (--help) over node -e 0', `${extra >= 0 ? '+' : ''}${extra.toFixed(0)} ms`, '≤ +25 ms', extra <= 25);
  },
};
