// Runs the extension in a real VS Code: code-server (the VS Code server, real Node extension host) with
// Debian's Chromium as the workbench, driven by playwright-core. See /work/shared/E2E.md for why.
// Everything a session creates lives under one temp root that stop() removes; processes run in their
// own process group that stop() kills whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { editorLabel, ensureEditor, runAndRead, selectedEditor, type EditorSpec } from '../../scripts/e2e/install-code-server';

// __filename, not __dirname: loaded from an ES module through tsx (npm start), __dirname is not the file's folder.
export const repoRoot = path.resolve(path.dirname(__filename), '..', '..');
/** Where screenshots go: test-results/vscode-<version>/, one folder per editor a run uses. */
export const testResultsDir = path.join(repoRoot, 'test-results', `vscode-${selectedEditor().vscode}`);
/** The editor this process tests in (CAW_E2E_EDITOR: minimum or newest; the runner sets it for each run). */
export const editor: EditorSpec & { readonly label: string } = { ...selectedEditor(), label: editorLabel(selectedEditor()) };
/** Temp roots are named `caw-e2e-<runTag>-*`, so a runner can find what one run left behind. */
export const TEMP_PREFIX = 'caw-e2e-';
/** Debian's Chromium, and the flags it needs here: root in a container, no GPU, nothing that phones home. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
// Keep the welcome page, tips, chat and update checks out of the way (and out of screenshots).
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
};

export interface CodeServerOptions {
  /** A packaged extension, installed with `--install-extension` before the server starts. */
  extensionVsix?: string;
  /** An extension folder loaded from source through the workbench URL (code-server has no flag for it). */
  extensionDevelopmentPath?: string;
  /** The folder the workbench opens; an empty temp folder when omitted. */
  workspaceDir?: string;
  /** Added to code-server's environment, which the extension host inherits (CLAUDE_CONFIG_DIR, HOME, ...); `undefined` unsets. */
  env?: Record<string, string | undefined>;
  /** User settings, merged over defaults that keep the welcome page and update checks away. */
  settings?: Record<string, unknown>;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** The session will run an in-host suite (runExtensionTests): some releases need a server flag for it. */
  extensionTests?: boolean;
  /** Which code-server release to run; the one CAW_E2E_EDITOR names when omitted (installed on first use). */
  editor?: EditorSpec;
  /** Gets every line code-server prints (it is also kept for output()). */
  onOutput?: (line: string) => void;
}

export interface CodeServerSession {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  readonly workspaceDir: string;
  /** The temp folder holding user data, extensions, XDG dirs, TMPDIR, HOME and browser profiles. */
  readonly tempRoot: string;
  readonly extensionDevelopmentPath: string | undefined;
  /** Where `extensionVsix` was unpacked in the extensions dir. */
  readonly installedExtensionPath: string | undefined;
  /** The editor running: `label` is e.g. "VS Code 1.139.1 (code-server 4.139.1, Node 24)". */
  readonly editor: EditorSpec & { readonly label: string };
  /** Started with `extensionTests: true`. */
  readonly extensionTests: boolean;
  /** Process group id of code-server and everything it started. */
  readonly processGroup: number;
  /**
   * The workbench URL for the workspace, with the extension development path and optional test suite.
   * VS Code runs a suite only in an extension development window, so a suite without a development path
   * is run against the installed .vsix folder as one: the packaged files, loaded the way tests need.
   */
  workbenchUrl(extra?: { extensionTestsPath?: string }): string;
  /** What code-server printed so far. */
  output(): string;
  /** Settles when code-server's main process exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Closes open workbenches, kills the process group, removes the temp root. Safe to call twice. */
  stop(): Promise<void>;
}

export interface WorkbenchOptions {
  /** A mocha suite entry (compiled JS exporting `run()`) to run inside the extension host. */
  extensionTestsPath?: string;
  /** Gets each line the in-host suite prints, as it prints it (the result has them all too). */
  onLog?: (line: string) => void;
  /** Default 60 s: how long to wait for the workbench to show. */
  timeoutMs?: number;
}

export interface ExtensionTestsResult {
  /** 0 when every test passed. */
  exitCode: number;
  /** What the suite printed, one entry per console call. */
  log: string[];
}

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests the page tried to send off this machine (all are blocked: tests talk only to 127.0.0.1). */
  readonly blockedRequests: string[];
  /** Settles when the in-host suite exits (only with `extensionTestsPath`). */
  readonly extensionTests: Promise<ExtensionTestsResult> | undefined;
  /** A status bar item whose text or accessibility label matches. */
  statusItem(textOrLabel: string | RegExp): Locator;
  /** Hovers over an element and returns the hover widget that appears. */
  hover(target: Locator): Promise<Locator>;
  readClipboard(): Promise<string>;
  /** Runs a command by its palette title (e.g. "Claude API Watch: Copy Report") through F1. */
  runCommand(title: string): Promise<void>;
  /** Runs a palette command that opens a quick pick (e.g. "Preferences: Color Theme") and picks `label` in it; both retried as runCommand is. */
  pickFromCommand(title: string, label: string): Promise<void>;
  /** Shows an output channel in the Output view and returns its text. */
  outputChannelText(channel: string): Promise<string>;
  /** Saves `test-results/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A tag shared by every temp root of one run (the runner sets it so it can sweep up after a crash). */
function runTag(): string {
  return process.env.CAW_E2E_RUN_TAG ?? String(process.pid);
}

/** A temp folder named like this run's others, so the leftover check covers it too. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `${TEMP_PREFIX}${runTag()}-${label}-`));
}

export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
      });
    });
  if (preferred !== undefined) {
    try {
      return await tryListen(preferred);
    } catch {
      // Taken: fall through to any free port.
    }
  }
  return tryListen(0);
}


function groupAlive(processGroup: number): boolean {
  try {
    process.kill(-processGroup, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function killGroup(processGroup: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGTERM', 5000], ['SIGKILL', 5000]] as const) {
    if (!groupAlive(processGroup)) return;
    try {
      process.kill(-processGroup, signal);
    } catch {
      return;
    }
    for (let waited = 0; waited < waitMs && groupAlive(processGroup); waited += 100) await sleep(100);
  }
  if (groupAlive(processGroup)) throw new Error(`process group ${processGroup} survived SIGKILL`);
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${output()}`);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServerSession> {
  const tempRoot = await makeTempDir('code-server');
  const dirs = {
    userData: path.join(tempRoot, 'user-data'),
    extensions: path.join(tempRoot, 'extensions'),
    config: path.join(tempRoot, 'xdg-config'),
    data: path.join(tempRoot, 'xdg-data'),
    cache: path.join(tempRoot, 'xdg-cache'),
    tmp: path.join(tempRoot, 'tmp'),
    home: path.join(tempRoot, 'home'),
    workspace: options.workspaceDir ?? path.join(tempRoot, 'workspace'),
  };
  let child: ChildProcess | undefined;
  const workbenches = new Set<Workbench>();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.allSettled([...workbenches].map((workbench) => workbench.close()));
    try {
      if (child?.pid !== undefined) await killGroup(child.pid);
    } finally {
      await rm(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  };

  try {
    const codeServerEditor = await ensureEditor(options.editor ?? selectedEditor());
    const codeServer = (args: string[]) => [codeServerEditor.entry, ...args];
    for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
    await mkdir(path.join(dirs.userData, 'User'), { recursive: true });
    await writeFile(
      path.join(dirs.userData, 'User', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dirs.home,
      TMPDIR: dirs.tmp,
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      XDG_CACHE_HOME: dirs.cache,
      // No extension gallery: the workbench would otherwise ask open-vsx.org about extensions.
      EXTENSIONS_GALLERY: '{}',
      ...options.env,
    };
    // The runner's own node:test variables would make a Node child think it is a test file.
    delete env.NODE_TEST_CONTEXT;
    // --config keeps code-server from writing its default config into XDG_CONFIG_HOME (real for npm start).
    const common = ['--config', path.join(tempRoot, 'code-server.yaml'), '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    let installedExtensionPath: string | undefined;
    if (options.extensionVsix) {
      await runAndRead(codeServerEditor.nodePath, codeServer([...common, '--install-extension', path.resolve(options.extensionVsix)]), env);
      const installed = readdirSync(dirs.extensions, { withFileTypes: true }).filter((entry) => entry.isDirectory());
      if (installed.length !== 1) throw new Error(`expected one installed extension in ${dirs.extensions}, found ${installed.length}`);
      installedExtensionPath = path.join(dirs.extensions, installed[0]!.name);
    }

    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}/`;
    let output = '';
    child = spawn(
      codeServerEditor.nodePath,
      codeServer([
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        ...common,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        ...(options.extensionTests ? codeServerEditor.extensionTestsServerArgs : []),
        dirs.workspace,
      ]),
      // detached = setsid: code-server and all it starts share a process group that stop() kills whole.
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const serverProcess = child;
    const exited = new Promise<number | null>((resolve) => serverProcess.once('exit', (code) => resolve(code)));
    let partialLine = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (!options.onOutput) return;
      const lines = (partialLine + text).split('\n');
      partialLine = lines.pop()!;
      for (const line of lines) if (line.trim()) options.onOutput(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await waitForHealth(url, child, () => output, 60_000);

    const extensionDevelopmentPath = options.extensionDevelopmentPath && path.resolve(options.extensionDevelopmentPath);
    const processGroup = child.pid!;
    const session: CodeServerSession = {
      url,
      port,
      workspaceDir: dirs.workspace,
      tempRoot,
      extensionDevelopmentPath,
      installedExtensionPath,
      editor: { ...codeServerEditor, label: editorLabel(codeServerEditor) },
      extensionTests: options.extensionTests ?? false,
      processGroup,
      workbenchUrl(extra = {}) {
        const remote = (file: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(file)}`;
        const payload: [string, string][] = [];
        const developmentPath = extensionDevelopmentPath ?? (extra.extensionTestsPath ? installedExtensionPath : undefined);
        if (extra.extensionTestsPath && !developmentPath) {
          throw new Error('extension tests need extensionVsix or extensionDevelopmentPath');
        }
        if (developmentPath) payload.push(['extensionDevelopmentPath', remote(developmentPath)]);
        if (extra.extensionTestsPath) payload.push(['extensionTestsPath', remote(extra.extensionTestsPath)]);
        const query = new URLSearchParams({ folder: dirs.workspace });
        if (payload.length > 0) query.set('payload', JSON.stringify(payload));
        return `${url}?${query}`;
      },
      output: () => output,
      exited,
      stop,
    };
    sessionWorkbenches.set(session, workbenches);
    return session;
  } catch (error) {
    await stop();
    throw error;
  }
}

const sessionWorkbenches = new WeakMap<CodeServerSession, Set<Workbench>>();

export async function openWorkbench(session: CodeServerSession, options: WorkbenchOptions = {}): Promise<Workbench> {
  const profileDir = await mkdtemp(path.join(session.tempRoot, 'chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    env: {
      ...process.env,
      TMPDIR: path.join(session.tempRoot, 'tmp'),
      HOME: path.join(session.tempRoot, 'home'),
      XDG_CONFIG_HOME: path.join(profileDir, 'config'),
      XDG_CACHE_HOME: path.join(profileDir, 'cache'),
    },
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  let closed = false;
  const workbench: Workbench = {
    context,
    page: context.pages()[0] ?? (await context.newPage()),
    blockedRequests: [],
    extensionTests: undefined,
    statusItem: (textOrLabel) => statusItem(workbench.page, textOrLabel),
    hover: (target) => hover(workbench.page, target),
    readClipboard: () => workbench.page.evaluate<string>('navigator.clipboard.readText()'),
    runCommand: (title) => runCommand(workbench.page, title),
    pickFromCommand: (title, label) => pickFromCommand(workbench.page, title, label),
    outputChannelText: (channel) => outputChannelText(workbench.page, channel),
    screenshot: async (name) => {
      await mkdir(testResultsDir, { recursive: true });
      const file = path.join(testResultsDir, `${name}.png`);
      await workbench.page.screenshot({ path: file });
      return file;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      sessionWorkbenches.get(session)?.delete(workbench);
      await context.close();
    },
  };
  sessionWorkbenches.get(session)?.add(workbench);
  try {
    await context.route(
      (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:',
      (route) => {
        workbench.blockedRequests.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    if (options.extensionTestsPath) {
      // The workbench reports the in-host suite through these two functions; they must exist before it loads.
      const log: string[] = [];
      let settle: (result: ExtensionTestsResult) => void = () => {};
      Object.assign(workbench, { extensionTests: new Promise<ExtensionTestsResult>((resolve) => (settle = resolve)) });
      await workbench.page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        const line = format(...(Array.isArray(args) ? args : [args]));
        log.push(line);
        options.onLog?.(line);
      });
      await workbench.page.exposeFunction('codeAutomationExit', (code: number) => settle({ exitCode: code, log }));
    }
    const timeout = options.timeoutMs ?? 60_000;
    await workbench.page.goto(session.workbenchUrl({ extensionTestsPath: options.extensionTestsPath }), { timeout });
    await workbench.page.locator('.monaco-workbench').waitFor({ timeout });
    await workbench.page.locator('[id="workbench.parts.statusbar"]').waitFor({ timeout });
    return workbench;
  } catch (error) {
    await workbench.close();
    throw error;
  }
}

/**
 * Opens a workbench that runs a mocha suite in the extension host, waits for it, closes the workbench.
 * `onLog` gets the suite's lines as they come; on a time-out the error carries what the suite printed so far.
 */
export async function runExtensionTests(
  session: CodeServerSession,
  extensionTestsPath: string,
  timeoutMs = 120_000,
  onLog?: (line: string) => void,
): Promise<ExtensionTestsResult> {
  if (!session.extensionTests) throw new Error('runExtensionTests needs a session started with extensionTests: true');
  const printed: string[] = [];
  const workbench = await openWorkbench(session, {
    extensionTestsPath,
    onLog: (line) => {
      printed.push(line);
      onLog?.(line);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`extension tests did not finish within ${timeoutMs} ms in ${session.editor.label}; so far:\n${printed.join('\n')}`)),
        timeoutMs,
      );
    });
    return await Promise.race([workbench.extensionTests!, timedOut]);
  } finally {
    clearTimeout(timer);
    await workbench.close();
  }
}

function statusItem(page: Page, textOrLabel: string | RegExp): Locator {
  const items = page.locator('[id="workbench.parts.statusbar"] .statusbar-item');
  return items.filter({ hasText: textOrLabel }).or(items.filter({ has: page.getByLabel(textOrLabel) })).first();
}

async function hover(page: Page, target: Locator): Promise<Locator> {
  await target.hover();
  const widget = page.locator('.monaco-hover, .workbench-hover').filter({ visible: true }).last();
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  return widget;
}

/** Opens a quick pick through `open`, types `filter` and clicks the row showing `label`; retries while the workbench is still starting. */
async function pickFromQuickInput(page: Page, open: () => Promise<void>, filter: string, label: string, timeoutMs: number): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await open();
      // Every step is short: a picker that closes again at once (focus taken by a webview that was
      // still settling) is opened again by the next round, not waited on for the page's 30 s.
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      await input.fill(filter, { timeout: 3_000 });
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
      await row.waitFor({ state: 'visible', timeout: 1_500 });
      await row.click({ timeout: 3_000 });
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  let attempt = 0;
  const openPalette = async () => {
    // F1 goes to what has the focus. The editor area's corner usually gives it to the workbench; when it
    // is a webview's tab (the history panel), the webview takes it and VS Code 1.100 then ignores F1,
    // so every other try clicks the status bar's empty middle instead.
    if (attempt++ % 2 === 0) {
      await page.locator('[id="workbench.parts.editor"]').click({ position: { x: 10, y: 10 } });
    } else {
      const bar = page.locator('[id="workbench.parts.statusbar"]');
      const box = await bar.boundingBox();
      await bar.click({ position: { x: Math.round((box?.width ?? 800) / 2), y: Math.round((box?.height ?? 22) / 2) } });
    }
    await page.keyboard.press('F1');
  };
  await pickFromQuickInput(page, openPalette, `>${title}`, title, timeoutMs);
}

/** The picker a command opens is opened again (command and all) when it closes at once or lacks `label` yet. */
async function pickFromCommand(page: Page, title: string, label: string, timeoutMs = 30_000): Promise<void> {
  await pickFromQuickInput(page, () => runCommand(page, title, timeoutMs), label, label, timeoutMs);
}

async function outputChannelText(page: Page, channel: string, timeoutMs = 30_000): Promise<string> {
  // A channel appears once its extension has activated, and the picker lists what exists when it opens,
  // so it is reopened until the channel is there. Typing the name filters the (virtualised) list.
  await pickFromCommand(page, 'Output: Show Output Channels...', channel, timeoutMs);
  const lines = page.locator('[id="workbench.panel.output"] .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout: 10_000 });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Merges `settings` into the server's machine settings (`<user-data>/Machine/settings.json`, what
 * "Preferences: Open Remote Settings" edits); `undefined` removes a key. The workbench applies this file
 * live, and it is the only file that carries `machine`-scoped settings: code-server ignores those in the
 * user settings file, and does not notice when that file is changed on disk after start.
 */
export async function updateMachineSettings(session: CodeServerSession, settings: Record<string, unknown>): Promise<void> {
  const file = path.join(session.tempRoot, 'user-data', 'Machine', 'settings.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not written yet.
  }
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) delete current[key];
    else current[key] = value;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(current, null, 2));
}

/**
 * The newest on-disk log of an output channel (`<channel>.log` under `<user-data>/logs/`):
 * all of it, where the Output view shows only the lines on screen.
 */
export async function readOutputLog(session: CodeServerSession, channel: string): Promise<string> {
  const logsDir = path.join(session.tempRoot, 'user-data', 'logs');
  const candidates = (await readdir(logsDir, { recursive: true }))
    .filter((relative) => path.basename(relative) === `${channel}.log`)
    .map((relative) => path.join(logsDir, relative));
  if (candidates.length === 0) throw new Error(`no "${channel}.log" under ${logsDir}`);
  const newest = candidates.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs).at(-1)!;
  return readFile(newest, 'utf8');
}

/**
 * Processes and temp folders one run left behind: processes whose command line or environment mentions
 * a temp root of that run, and the temp roots themselves. Empty when everything was cleaned up.
 */
export function findLeftovers(tag = runTag()): { processes: { pid: number; command: string }[]; tempDirs: string[] } {
  const marker = `${TEMP_PREFIX}${tag}-`;
  const processes: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (command.includes(marker) || environment.includes(marker)) processes.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  const tempDirs = readdirSync(os.tmpdir())
    .filter((name) => name.startsWith(marker))
    .map((name) => path.join(os.tmpdir(), name));
  return { processes, tempDirs };
}

/** Polls `read` until `accept` likes its value; fails with the last value (or error) seen after `timeoutMs`. */
export async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value: T | undefined;
  let failure: unknown;
  for (;;) {
    try {
      value = await read();
      failure = undefined;
      if (accept(value)) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      const last = failure instanceof Error ? `error: ${failure.message}` : JSON.stringify(value, null, 2);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
