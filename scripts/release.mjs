// `npm run release`: packages the extension once, runs the package check on that .vsix, and publishes the same
// file to the Visual Studio Marketplace (vsce, token in VSCE_PAT) and to Open VSX (ovsx, token in OVSX_PAT),
// where VSCodium, Cursor, Windsurf and other forks install from. Both tokens are checked before anything is
// published, so a release never reaches one registry only for want of a token.
//   npm run release -- --dry-run     everything but the two uploads (no tokens needed)
// The release workflow (.github/workflows/release.yml) runs it for a pushed v* tag.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dryRun = process.argv.includes('--dry-run');

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

/** Runs a command in the repo, output shown; exits when it fails. */
function run(command, args, { redact = [] } = {}) {
  const shown = args.map((arg) => (redact.includes(arg) ? '***' : arg));
  console.log(`release: ${command} ${shown.join(' ')}`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) fail(`${command} ${shown.join(' ')} failed (${result.error?.message ?? result.signal ?? result.status})`);
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const bin = (file) => path.join(repoRoot, 'node_modules', file);

if (!dryRun) {
  const missing = ['VSCE_PAT', 'OVSX_PAT'].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    fail(`set ${missing.join(' and ')} (Marketplace: an Azure DevOps token with Marketplace "Manage" scope; Open VSX: an access token from open-vsx.org/user-settings/tokens), or pass --dry-run`);
  }
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
  if (dirty.status === 0 && dirty.stdout.trim()) fail(`uncommitted changes: a release is built from a commit\n${dirty.stdout}`);
}

run('npm', ['run', 'package']);
// The guard: only allow-listed files, no source maps, within the size budget.
run(process.execPath, ['scripts/package-check.mjs', vsix]);

if (dryRun) {
  console.log(`release: dry run: would publish ${path.basename(vsix)} (${manifest.publisher}.${manifest.name} ${manifest.version}) to the Visual Studio Marketplace and Open VSX`);
} else {
  run(process.execPath, [bin('@vscode/vsce/vsce'), 'publish', '--packagePath', vsix]);
  run(process.execPath, [bin('ovsx/bin/ovsx'), 'publish', vsix]);
  console.log(`release: published ${manifest.publisher}.${manifest.name} ${manifest.version} to the Visual Studio Marketplace and Open VSX`);
}
