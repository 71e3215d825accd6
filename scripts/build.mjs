// Builds the two bundles, the extension (vscode stays external) and the CLI, plus one file per lazy
// module.
//
// Lazy modules: what only a command needs (the SDK of the health check, the redaction rule set,
// charts, workers) is not paid for at activation or CLI start-up. The convention:
//   - put the module in a directory named `lazy` anywhere under src/ (`src/**/lazy/<name>.ts`,
//     names unique across the project); it is built as its own file, `dist/lazy/<name>.js`, with
//     everything it imports;
//   - load it with a dynamic import, `const { f } = await import('./lazy/<name>.js')`: in a bundle
//     that becomes a run-time require of `dist/lazy/<name>.js` (`supported` below: Node's own import()
//     of a CommonJS file goes through its ES module loader, which cost `scan` a third of its start-up);
//     from source (tests, tsx) it is the .ts.
//   - a static import of a lazy module fails the build (it would pull it back into the bundle);
//     `import type` is fine. A worker is a lazy module too: start it from
//     `path.join(__dirname, 'lazy', '<name>' + path.extname(__filename))` (see src/core/scan.ts).
// A lazy module gets its own copy of what it imports: keep it a leaf that takes what it needs as
// arguments, not one that shares module state with the bundle. New files are allowed into the
// .vsix by `.vscodeignore` and `scripts/package-check.mjs` (both allow `dist/lazy/*.js`).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** `src/**\/lazy/<name>.ts` → { name: path }. */
export function lazyModules(srcDir = 'src') {
  const found = {};
  for (const file of readdirSync(srcDir, { recursive: true })) {
    const parts = String(file).split(path.sep);
    if (parts.length < 2 || parts[parts.length - 2] !== 'lazy' || !/^[A-Za-z0-9_-]+\.ts$/.test(parts[parts.length - 1])) continue;
    const name = path.basename(String(file), '.ts');
    if (found[name]) throw new Error(`two lazy modules named ${name}: ${found[name]} and ${path.join(srcDir, String(file))}`);
    found[name] = path.join(srcDir, String(file));
  }
  return found;
}

const lazy = lazyModules();
const lazyByPath = new Map(Object.entries(lazy).map(([name, file]) => [path.resolve(file), name]));

/** Keeps dynamic imports of lazy modules out of a bundle; `prefix` leads from the bundle's directory to dist/lazy/. */
function lazyModulesPlugin(prefix) {
  return {
    name: 'lazy-modules',
    setup(build) {
      build.onResolve({ filter: /(^|\/)lazy\/[A-Za-z0-9_-]+(\.js|\.ts)?$/ }, (args) => {
        const base = path.resolve(args.resolveDir, args.path.replace(/\.(js|ts)$/, ''));
        const name = lazyByPath.get(base + '.ts');
        if (name === undefined) return undefined;
        if (args.kind === 'entry-point') return undefined;
        if (args.kind !== 'dynamic-import') {
          return { errors: [{ text: `${args.path} is a lazy module: load it with \`await import('${args.path}')\`, not a static import (see scripts/build.mjs)` }] };
        }
        return { path: `${prefix}${name}.js`, external: true };
      });
    },
  };
}

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // import() of a lazy module → Promise.resolve().then(() => require(...)): see the convention above.
  supported: { 'dynamic-import': false },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts', cli: 'src/cli.ts' }, outdir: 'dist', plugins: [lazyModulesPlugin('./lazy/')] },
  { ...common, entryPoints: lazy, outdir: 'dist/lazy', plugins: [lazyModulesPlugin('./')] },
  // Webview scripts run in the editor's browser page: one IIFE and its CSS per panel, always minified.
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', minify: true, sourcemap: false, supported: {}, entryPoints: { history: 'src/webview/history/main.ts' }, outdir: 'dist/webview' },
];

// A lazy module renamed or removed must not linger in dist/ (and from there in the .vsix).
rmSync('dist/lazy', { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
