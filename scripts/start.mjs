// `npm start`: the packaged extension in a real VS Code (code-server) on 127.0.0.1, to open in a browser.
//   npm start                      your real Claude config dir (CLAUDE_CONFIG_DIR, else ~/.claude)
//   npm start -- --demo            a temp config dir into which a simulated outage is written over a minute
//   options: --port N (default 8080 when free), --folder DIR (workspace to open; default: where npm ran)
// Ctrl-C (or SIGINT/SIGTERM to npm's own pid, which only reaches its shell) stops code-server and removes
// every temp folder. Run with `node --import tsx` (npm start does).
/* global AbortController */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_STEPS, writeDemoOutage } from './demo-outage.ts';
import { stopWhenOrphaned } from './stopWhenOrphaned.ts';
import { ensureCodeServer } from './e2e/install-code-server.ts';
import { freePort, makeTempDir, repoRoot, startCodeServer } from '../test/e2e/harness.ts';

const { values: options } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    port: { type: 'string' },
    folder: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

// Temp folders of a demo, removed on the way out whatever happens.
const tempDirs = [];

async function main() {
  await ensureCodeServer();
  await run('npm', ['run', '--silent', 'package']);
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);

  const demoAbort = new AbortController();
  // The demo's first step (a request that succeeds) is written before the editor starts, so it opens
  // watching a transcript instead of on "Not watching"; the outage follows once the browser is there.
  let demo;
  let env;
  let workspaceDir;
  let settings = {};
  if (options.demo) {
    const demoDir = await makeTempDir('demo');
    tempDirs.push(demoDir);
    const configDir = path.join(demoDir, 'claude');
    workspaceDir = path.join(demoDir, 'demo-project');
    await mkdir(configDir);
    await mkdir(workspaceDir);
    env = { CLAUDE_CONFIG_DIR: configDir };
    demo = startDemo(configDir, workspaceDir, demoAbort.signal);
    await demo.firstStep;
    // The outage is simulated: Anthropic's real status page would only contradict it.
    settings = { 'claudeAPIWatch.anthropicStatus.enabled': false };
  } else {
    workspaceDir = path.resolve(options.folder ?? process.env.INIT_CWD ?? process.cwd());
    // The real home and config locations, so the extension finds the user's transcripts
    // (CLAUDE_CONFIG_DIR, when set, is inherited as it is).
    env = { HOME: os.homedir(), XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config') };
    // Without --folder the workspace is just where npm ran: show failures of every session.
    if (!options.folder) settings = { 'claudeAPIWatch.scope': 'all' };
  }

  const port = options.port ? Number(options.port) : await freePort(8080);
  // The demo starts once a browser has opened the workbench and its extension host runs.
  let workbenchConnected;
  const connected = new Promise((resolve) => (workbenchConnected = resolve));
  const session = await startCodeServer({
    extensionVsix: vsix,
    workspaceDir,
    env,
    settings,
    port,
    onOutput: (line) => {
      if (options.verbose) console.log(`code-server: ${line}`);
      if (line.includes('Launched Extension Host Process')) workbenchConnected();
    },
  });

  let stopping;
  const stop = (code) => {
    stopping ??= (async () => {
      demoAbort.abort();
      await session.stop();
      for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
      process.exit(code);
    })();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  stopWhenOrphaned(() => {
    console.log('npm start was stopped: stopping code-server.');
    stop(0);
  });
  session.exited.then((code) => {
    if (stopping) return;
    console.error(`code-server exited (${code}) unexpectedly:\n${session.output()}`);
    stop(1);
  });

  console.log(`\nClaude API Watch ${manifest.version} is running in code-server.`);
  console.log(`Open: ${session.workbenchUrl()}`);
  console.log(options.demo ? `Demo config dir: ${env.CLAUDE_CONFIG_DIR}` : `Claude config dir: ${process.env.CLAUDE_CONFIG_DIR ?? path.join(os.homedir(), '.claude')}`);
  console.log('Press Ctrl-C to stop.\n');

  if (demo) {
    console.log('The simulated outage starts once the workbench has loaded in your browser.');
    await connected;
    demo.go();
    await demo.done;
    if (!demoAbort.signal.aborted) console.log('Demo outage written; the session has recovered. Ctrl-C to stop.');
  }
}

/** Writes the demo's first step now and the rest after go(): `firstStep` and `done` settle when they are written. */
function startDemo(configDir, cwd, signal) {
  let go;
  const ready = new Promise((resolve) => (go = resolve));
  let firstWritten;
  const firstStep = new Promise((resolve) => (firstWritten = resolve));
  const done = writeDemoOutage(configDir, {
    cwd,
    signal,
    ready,
    onStep: (step, index) => {
      if (index === 0) firstWritten();
      else if (index === 1) console.log(`Writing a simulated outage over the next minute (${DEMO_STEPS.length - 1} more steps):`);
      console.log(`  ${new Date().toLocaleTimeString()}  ${index + 1}/${DEMO_STEPS.length}  ${step.title}`);
    },
  });
  return { firstStep, done, go };
}

main().catch(async (error) => {
  console.error(error instanceof Error ? error.message : error);
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  process.exit(1);
});
