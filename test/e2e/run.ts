// `npm run test:e2e`: installs code-server when missing, packages the extension, bundles the in-host suite,
// then runs test/e2e/*.e2e.ts with node:test under one overall time limit, and finally sweeps up anything
// the run left behind (a crashed or timed-out test cannot skip the cleanup) and fails if there was any.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ensureCodeServer } from '../../scripts/e2e/install-code-server';
import { findLeftovers, repoRoot } from './harness';

const TEST_TIME_LIMIT_MS = 10 * 60_000;
// Children run in their own process group, out of reach of the terminal's Ctrl-C: pass it on.
const runningGroups = new Set<number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const group of runningGroups) process.kill(-group, 'SIGTERM');
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeLimitMs?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a time-out stops the test process and everything it started.
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit', detached: true });
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

async function main(): Promise<number> {
  const runTag = `${process.pid}${Date.now().toString(36)}`;
  const started = Date.now();
  await step('code-server ready', () => ensureCodeServer());
  await step('extension packaged', () => mustRun('npm', ['run', '--silent', 'package']));
  await step('extension-host suite bundled', () => mustRun(process.execPath, ['scripts/e2e/build-suite.mjs']));

  const testFiles = readdirSync(path.join(repoRoot, 'test', 'e2e'))
    .filter((name) => name.endsWith('.e2e.ts'))
    .map((name) => path.join('test', 'e2e', name));
  let exitCode = 1;
  try {
    exitCode = await step('tests run', () =>
      run(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles],
        { ...process.env, CAW_E2E_RUN_TAG: runTag },
        TEST_TIME_LIMIT_MS,
      ),
    );
  } finally {
    if (!(await sweepLeftovers(runTag))) {
      console.error('e2e: the run left processes or temp folders behind (now removed)');
      exitCode = 1;
    }
  }
  console.log(`e2e: total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return exitCode;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
