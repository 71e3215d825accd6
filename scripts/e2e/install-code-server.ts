// Installs code-server (the VS Code server, from npm) into <repo>/.cache/code-server/<version>/, outside the
// extension's own node_modules, so `npm ci` stays small. Idempotent: a marker file records a finished install.
// Run directly (`node --import tsx scripts/e2e/install-code-server.ts`) or import ensureCodeServer().
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// 4.100.3 (VS Code 1.100.3) is the last code-server release that installs on Node 20.
export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep's postinstall downloads rg from GitHub unless this tarball is in its cache.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
// npm 11 runs a dependency's install scripts only when the project's package.json allows them, and refuses
// --allow-scripts (and its env var, which npm hands down to nested installs) in project-scoped installs.
// code-server's postinstall runs a nested `npm install` in lib/vscode, so that package.json gets its own list.
const CACHE_ALLOWED_SCRIPTS = ['code-server', 'argon2'];
const VSCODE_ALLOWED_SCRIPTS = [
  'node-pty',
  'kerberos',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/deviceid',
  '@parcel/watcher',
  'native-watchdog',
];

// __filename, not __dirname: loaded from an ES module through tsx, __dirname is not the file's folder.
const repoRoot = path.resolve(path.dirname(__filename), '..', '..');
export const codeServerDir = path.join(repoRoot, '.cache', 'code-server', CODE_SERVER_VERSION);
export const codeServerBin = path.join(codeServerDir, 'node_modules', '.bin', 'code-server');
const markerFile = path.join(codeServerDir, '.installed');

async function isInstalled() {
  try {
    return (await readFile(markerFile, 'utf8')).trim() === CODE_SERVER_VERSION && existsSync(codeServerBin);
  } catch {
    return false;
  }
}

function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code})`)),
    );
  });
}

/** Installs code-server when missing; returns the path of its launcher. */
export async function ensureCodeServer({ quiet = false } = {}): Promise<string> {
  if (await isInstalled()) return codeServerBin;
  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20, this is ${process.version}`);
  }
  for (const tool of ['/usr/bin/rg', '/usr/bin/krb5-config']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: run scripts/e2e/install.sh (Debian: ripgrep, libkrb5-dev)`);
  }
  const started = Date.now();
  if (!quiet) console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, codeServerDir)} ...`);

  await rm(codeServerDir, { recursive: true, force: true });
  await mkdir(codeServerDir, { recursive: true });
  await writeJson(path.join(codeServerDir, 'package.json'), {
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: Object.fromEntries(CACHE_ALLOWED_SCRIPTS.map((name) => [name, true])),
  });

  const installTmp = await mkdtemp(path.join(os.tmpdir(), 'caw-code-server-install-'));
  try {
    const ripgrepCache = path.join(installTmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
    await mkdir(ripgrepCache);
    await run('tar', ['-czf', path.join(ripgrepCache, RIPGREP_TARBALL), '-C', '/usr/bin', 'rg']);

    const env = {
      ...process.env,
      TMPDIR: installTmp,
      // node-pty's postinstall runs `npx node-gyp`, which aborts when npx may not ask.
      npm_config_yes: 'true',
      // node-gyp builds against the local Node headers instead of downloading them.
      npm_config_nodedir: '/usr',
      // code-server's postinstall refuses to run as root without it.
      npm_config_unsafe_perm: 'true',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
      XDG_CONFIG_HOME: path.join(installTmp, 'config'),
      XDG_DATA_HOME: path.join(installTmp, 'data'),
      XDG_CACHE_HOME: path.join(installTmp, 'cache'),
    };
    const npmOptions: SpawnOptions = { cwd: codeServerDir, env, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' };
    // Unpack first, give lib/vscode its allow-list, then run the install scripts.
    await run('npm', ['install', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], npmOptions);
    const vscodeManifestPath = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
    const vscodeManifest = JSON.parse(await readFile(vscodeManifestPath, 'utf8'));
    vscodeManifest.allowScripts = Object.fromEntries(VSCODE_ALLOWED_SCRIPTS.map((name) => [name, true]));
    await writeJson(vscodeManifestPath, vscodeManifest);
    await run('npm', ['rebuild', '--unsafe-perm', '--loglevel=error'], npmOptions);
    const version = await runAndRead(codeServerBin, ['--version'], env);
    if (!version.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version said: ${version}`);
  } finally {
    await rm(installTmp, { recursive: true, force: true });
  }
  await writeFile(markerFile, CODE_SERVER_VERSION + '\n');
  if (!quiet) console.log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerBin;
}

function writeJson(file: string, value: unknown): Promise<void> {
  return writeFile(file, JSON.stringify(value, null, 2) + '\n');
}

/** Runs a command to its end and returns what it printed (stdout and stderr); rejects with it on failure. */
export function runAndRead(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}

if (require.main === module) {
  ensureCodeServer().then(
    (bin) => console.log(bin),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
