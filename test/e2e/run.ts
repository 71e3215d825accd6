// `npm run test:e2e`: installs the editors when missing (code-server at our minimum VS Code and the newest
// release, see scripts/e2e/install-code-server.ts), packages the extension, bundles the in-host suite, then
// runs every test/e2e/*.e2e.ts with node:test once per editor, each run under one time limit, and after each
// sweeps up anything it left behind (a crashed or timed-out test cannot skip the cleanup) and fails if there
// was any. CAW_E2E_EDITORS=minimum (or newest) runs one editor only; CAW_E2E_FILES=history,statusBar only
// those test/e2e/*.e2e.ts files.
// Where code-server cannot run (not Linux x64, or Debian packages missing and no root to install them) it runs
// the in-host suite in desktop VS Code (1.100.0 and stable, downloaded by @vscode/test-cli) when VS Code can
// be downloaded, and otherwise fails saying what to install. CAW_E2E=code-server|desktop|skip chooses.
// Never a silent skip: the last lines say what ran, in which editors.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { editorLabel, ensureEditor, parseEditorList } from '../../scripts/e2e/install-code-server';
import { codeServerBlocker, onPath } from '../../scripts/e2e/prerequisites';
import { findLeftovers, repoRoot } from './harness';

const TEST_TIME_LIMIT_MS = 10 * 60_000;
// Children run in their own process group, out of reach of the terminal's Ctrl-C: pass it on.
const runningGroups = new Set<number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const group of runningGroups) process.kill(-group, 'SIGTERM');
  });
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeLimitMs?: number,
  onLine?: (line: string) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a time-out stops the test process and everything it started.
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['inherit', onLine ? 'pipe' : 'inherit', 'inherit'], detached: true });
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      lines.forEach(onLine!);
    });
    if (child.pid !== undefined) runningGroups.add(child.pid);
    const timer =
      timeLimitMs === undefined
        ? undefined
        : setTimeout(() => {
            console.error(`e2e: time limit of ${timeLimitMs / 1000} s reached, stopping the tests`);
            process.kill(-child.pid!, 'SIGKILL');
          }, timeLimitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function step<T>(title: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await action();
  console.log(`e2e: ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function mustRun(command: string, args: string[]): Promise<void> {
  const code = await run(command, args);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}`);
}

async function sweepLeftovers(runTag: string): Promise<boolean> {
  const leftovers = findLeftovers(runTag);
  for (const { pid, command } of leftovers.processes) {
    console.error(`e2e: left running: ${pid} ${command}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of leftovers.tempDirs) {
    console.error(`e2e: left behind: ${dir}`);
    await rm(dir, { recursive: true, force: true });
  }
  return leftovers.processes.length === 0 && leftovers.tempDirs.length === 0;
}

interface EditorRun {
  label: string;
  exitCode: number;
  passed: number;
  failed: number;
}

const DESKTOP_LABELS = ['desktop-minimum', 'desktop-stable'];
const VSCODE_UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';

async function canDownloadVSCode(): Promise<boolean> {
  try {
    return (await fetch(VSCODE_UPDATE_SERVER, { signal: AbortSignal.timeout(10_000) })).ok;
  } catch {
    return false;
  }
}

type Target = { kind: 'code-server' } | { kind: 'desktop'; why?: string } | { kind: 'none'; why: string };

async function chooseTarget(): Promise<Target> {
  const asked = process.env.CAW_E2E?.trim() ?? '';
  if (!['', 'code-server', 'desktop', 'skip'].includes(asked)) throw new Error(`CAW_E2E=${asked}: expected code-server, desktop or skip`);
  if (asked === 'skip') return { kind: 'none', why: 'skipped on request (CAW_E2E=skip)' };
  if (asked === 'desktop') return { kind: 'desktop' };
  const blocker = await codeServerBlocker();
  if (!blocker) return { kind: 'code-server' };
  if (asked === 'code-server') throw new Error(blocker);
  if (await canDownloadVSCode()) return { kind: 'desktop', why: blocker };
  return {
    kind: 'none',
    why:
      `${blocker}\n  Or run the in-host suite in desktop VS Code, which needs a download from update.code.visualstudio.com` +
      ` (not reachable from here).\n  To run the other tests without these: CAW_E2E=skip npm test`,
  };
}

/** The in-host suite in desktop VS Code (our minimum and stable) through @vscode/test-cli, under xvfb on Linux. */
async function runDesktop(why: string | undefined): Promise<number> {
  if (why) console.log(`e2e: code-server cannot run here: ${why}\ne2e: running the in-host suite in desktop VS Code instead`);
  await step('extension built', () => mustRun('npm', ['run', '--silent', 'build']));
  await step('extension-host suite bundled', () => mustRun(process.execPath, ['scripts/e2e/build-suite.mjs']));
  const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY;
  if (needsDisplay && !onPath('xvfb-run')) {
    console.log('e2e: NO real-editor test ran: desktop VS Code needs a display: install xvfb (Debian: apt-get install xvfb) or set DISPLAY');
    return 1;
  }
  const results: string[] = [];
  for (const label of DESKTOP_LABELS) {
    const testCli = [path.join(repoRoot, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs'), '--label', label];
    const code = await step(`tests run in ${label}`, () =>
      needsDisplay ? run('xvfb-run', ['-a', process.execPath, ...testCli]) : run(process.execPath, testCli),
    );
    results.push(`e2e: ${label}: in-host suite ${code === 0 ? 'passed' : 'FAILED'}`);
  }
  console.log('');
  for (const line of results) console.log(line);
  console.log('e2e: the status bar tests (test/e2e/*.e2e.ts) did not run: they need code-server and Chromium on Linux');
  return results.every((line) => line.endsWith('passed')) ? 0 : 1;
}

async function main(): Promise<number> {
  const target = await chooseTarget();
  if (target.kind === 'none') {
    console.log(`e2e: NO real-editor test ran: ${target.why}`);
    return process.env.CAW_E2E === 'skip' ? 0 : 1;
  }
  if (target.kind === 'desktop') return runDesktop(target.why);
  return runCodeServer();
}

async function runCodeServer(): Promise<number> {
  const started = Date.now();
  const editors = parseEditorList(process.env.CAW_E2E_EDITORS);
  // Side by side: most of an install is waiting on the registry. The Debian packages are in place by now
  // (chooseTarget), so the two never race for apt.
  await Promise.all(editors.map((editor) => step(`${editorLabel(editor)} ready`, () => ensureEditor(editor))));
  await step('extension packaged', () => mustRun('npm', ['run', '--silent', 'package']));
  await step('extension-host suite bundled', () => mustRun(process.execPath, ['scripts/e2e/build-suite.mjs']));

  const onlyFiles = (process.env.CAW_E2E_FILES ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const testFiles = readdirSync(path.join(repoRoot, 'test', 'e2e'))
    .filter((name) => name.endsWith('.e2e.ts'))
    // CAW_E2E_FILES=history,statusBar runs only those files (while working on them; CI runs all).
    .filter((name) => onlyFiles.length === 0 || onlyFiles.includes(name.replace(/\.e2e\.ts$/, '')))
    .map((name) => path.join('test', 'e2e', name));
  const runs: EditorRun[] = [];
  for (const editor of editors) {
    const label = editorLabel(editor);
    const runTag = `${process.pid}${Date.now().toString(36)}`;
    const result: EditorRun = { label, exitCode: 1, passed: 0, failed: 0 };
    runs.push(result);
    console.log(`\ne2e: ── ${label} ──`);
    // node:test's spec reporter ends with "ℹ pass N", "ℹ fail N" and "ℹ cancelled N" (tests cut off by a
    // time-out: failures too); .ci/run adds those up over all runs.
    const count = (line: string) => {
      const match = /^ℹ (pass|fail|cancelled) (\d+)$/.exec(line);
      if (match) result[match[1] === 'pass' ? 'passed' : 'failed'] += Number(match[2]);
    };
    try {
      result.exitCode = await step(`tests run in ${label}`, () =>
        run(
          process.execPath,
          ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles],
          { ...process.env, CAW_E2E_RUN_TAG: runTag, CAW_E2E_EDITOR: editor.id },
          TEST_TIME_LIMIT_MS,
          count,
        ),
      );
    } finally {
      if (!(await sweepLeftovers(runTag))) {
        console.error(`e2e: the run in ${label} left processes or temp folders behind (now removed)`);
        result.exitCode = 1;
      }
    }
  }
  console.log(`\ne2e: total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const { label, exitCode, passed, failed } of runs) {
    console.log(`e2e: ${label}: ${passed} passed, ${failed} failed${exitCode === 0 ? '' : ' (FAILED)'}`);
  }
  return runs.every((result) => result.exitCode === 0) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
