// Bundles the extension-host mocha suite (test/e2e/suite) to out/e2e-suite/, where the extension host
// (through code-server's extensionTestsPath, or @vscode/test-cli) loads it as plain CommonJS.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const suiteDir = path.join(repoRoot, 'test', 'e2e', 'suite');
const suiteOutDir = path.join(repoRoot, 'out', 'e2e-suite');

const entryPoints = readdirSync(suiteDir)
  .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
  .map((name) => path.join(suiteDir, name));

// A clean folder: the suite loads every *.test.js it finds there, so a renamed test must not linger.
await rm(suiteOutDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: suiteOutDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // vscode is the host's; mocha resolves from the repo's node_modules at run time.
  external: ['vscode', 'mocha'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
