// Shared by the in-host test files: the extension's API, polling, transcripts written with current
// timestamps into the config dir code-server was started with, and settings restored afterwards.
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import { CommandId } from '../../../src/core/commandIds';
import type { ClaudeApiWatchApi } from '../../../src/editor/claudeApiWatch';
import type { Envelope } from '../../fixtures/transcripts';

export const extensionId = `${manifest.publisher}.${manifest.name}`;
export const SECTION = 'claudeAPIWatch';
/** Where 0.1 kept the settings (still honoured). */
export const LEGACY_SECTION = 'claudeApiWatch';
/** Every poll gives up after this long: generous for a busy 2-core machine, short enough to fail fast. */
export const POLL_TIMEOUT_MS = 20_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The extension's exports once it has activated by itself (its activation event, not a forced activate()). */
export async function activeApi(): Promise<ClaudeApiWatchApi> {
  const extension = vscode.extensions.getExtension<ClaudeApiWatchApi>(extensionId);
  assert.ok(extension, `${extensionId} is not installed`);
  await eventually('the extension to activate', () => extension.isActive, (active) => active);
  return extension.exports;
}

/** A gap between two polls longer than this means the extension host did not run for a while. */
const STALL_MS = 1_000;

/**
 * Polls `read` until `accept` likes its value and returns that value; fails with the last value seen
 * after `timeoutMs`.
 *
 * The host can stall on a busy 2-core machine (a clean-clone run once saw no poll for 20 s). A poll
 * that wakes from a stall runs before the extension's own timers that fell due during it, so it would
 * see a state the extension was about to leave: past the deadline, the poll therefore waits one more
 * turn before it fails, and the failure says how long the longest stall was.
 */
export async function eventually<T>(
  what: string,
  read: () => T | PromiseLike<T>,
  accept: (value: T) => boolean,
  timeoutMs = POLL_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let longestGapMs = 0;
  let lastReadAt = Date.now();
  const poll = async () => {
    await sleep(100);
    const at = Date.now();
    longestGapMs = Math.max(longestGapMs, at - lastReadAt);
    lastReadAt = at;
    return read();
  };
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) {
      value = await poll();
      if (accept(value)) return value;
      const stall = longestGapMs > STALL_MS ? `; the host stalled for up to ${(longestGapMs / 1000).toFixed(1)} s between polls` : '';
      assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last value: ${describe(value)}${stall}`);
    }
    value = await poll();
  }
  return value;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Settles with the promise's outcome, or fails after `timeoutMs` (a command must not hang). */
export async function within<T>(what: string, promise: Thenable<T>, timeoutMs = POLL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request ID in Anthropic's shape, unique to this run. */
export function requestId(): string {
  return `req_011E2E${randomBytes(12).toString('hex')}`;
}

/** An ISO timestamp `agoMs` before now, as Claude Code writes them. */
export function stamp(agoMs = 0): string {
  return new Date(Date.now() - agoMs).toISOString();
}

/** A cwd inside the first open workspace folder (every cwd counts when none is open). */
export function workspaceCwd(): string {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder ? path.join(folder.uri.fsPath, 'app') : '/home/dev/projects/no-folder-open';
}

/** An envelope for a fresh session in the workspace, written now. */
export function sessionEnvelope(overrides: Envelope = {}): Envelope {
  return { sessionId: randomUUID(), cwd: workspaceCwd(), version: '2.1.77', timestamp: stamp(), ...overrides };
}

/**
 * Transcripts this test file writes, each in a project folder of its own under `<configDir>/projects`,
 * removed by removeAll().
 */
export class Transcripts {
  private readonly written = new Set<string>();

  constructor(readonly configDir: string) {}

  /** Appends whole lines to `<project>/<session>.jsonl` (created when missing); returns the file. */
  async append(project: string, session: string, lines: Array<string | Buffer>): Promise<string> {
    const dir = path.join(this.configDir, 'projects', project);
    await fs.mkdir(dir, { recursive: true });
    this.written.add(dir);
    const file = path.join(dir, `${session}.jsonl`);
    await this.appendTo(file, lines);
    return file;
  }

  /** Appends whole lines to a file this instance wrote before. */
  async appendTo(file: string, lines: Array<string | Buffer>): Promise<void> {
    await fs.appendFile(file, Buffer.concat(lines.flatMap((line) => [Buffer.from(line), Buffer.from('\n')])));
  }

  /** A folder under `projects` this instance removes later (for odd shapes like a directory named `x.jsonl`). */
  async makeDir(relative: string): Promise<string> {
    const dir = path.join(this.configDir, 'projects', relative);
    await fs.mkdir(dir, { recursive: true });
    this.written.add(path.join(this.configDir, 'projects', relative.split(/[\\/]/)[0]));
    return dir;
  }

  async removeAll(): Promise<void> {
    for (const dir of this.written) await fs.rm(dir, { recursive: true, force: true });
    this.written.clear();
  }
}

/** A unique project folder name for one test. */
export function projectName(label: string): string {
  return `-e2e-${label}-${randomBytes(4).toString('hex')}`;
}

/** The config dir code-server was started with: where the extension reads transcripts unless told otherwise. */
export function envConfigDir(): string {
  const dir = process.env.CLAUDE_CONFIG_DIR;
  assert.ok(dir, 'CLAUDE_CONFIG_DIR is not set in the extension host: the harness must set it for code-server');
  return dir;
}

/** Global (user) values of our settings (under their 0.1 names with LEGACY_SECTION), to put back exactly as found. */
export class SettingsGuard {
  private readonly saved = new Map<string, unknown>();

  constructor(private readonly section = SECTION) {}

  async set(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration(this.section);
    if (!this.saved.has(key)) this.saved.set(key, config.inspect(key)?.globalValue);
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }

  async restore(): Promise<void> {
    const config = vscode.workspace.getConfiguration(this.section);
    for (const [key, value] of this.saved) {
      if (config.inspect(key)?.globalValue !== value) await config.update(key, value, vscode.ConfigurationTarget.Global);
    }
    this.saved.clear();
  }
}

/**
 * A clean slate between tests: this file's transcripts removed and the indicator cleared, so only
 * what the next test writes (later than the clear) can make the state anything but healthy.
 */
export async function freshState(api: ClaudeApiWatchApi, transcripts: Transcripts): Promise<void> {
  // A config dir switched by the last test is read again from its start: what that reading finds
  // after the clear below would count as new (a quiet-period test once saw a failure stay current).
  await eventually('the transcripts read up to now', () => api.state().watching.phase, (phase) => phase !== 'reading');
  await transcripts.removeAll();
  await vscode.commands.executeCommand(CommandId.clearIndicator);
  await eventually('a healthy state after clearing', () => api.snapshot().state, (state) => state === 'healthy');
}

/**
 * One ordinary transcript that stays for the whole run: with none, the item rightly says "Not
 * watching" instead of looking healthy, and the suites here test the states after that.
 */
export async function ensureWatching(api: ClaudeApiWatchApi): Promise<void> {
  const dir = path.join(envConfigDir(), 'projects', '-e2e-baseline');
  await fs.mkdir(dir, { recursive: true });
  await fs.appendFile(path.join(dir, 'baseline.jsonl'), JSON.stringify({ type: 'user', sessionId: 'baseline', timestamp: stamp(), message: { role: 'user', content: 'hello' } }) + '\n');
  await eventually('a transcript to be watched', () => api.state().watching, (watching) => watching.phase === 'live' && watching.transcripts > 0);
}

/** What every suite here shares: the extension's API and the transcripts the suite writes. */
export interface SuiteState {
  api: ClaudeApiWatchApi;
  transcripts: Transcripts;
}

/**
 * Registers the hooks every suite here needs (the API once, a clean slate before each test and
 * after the suite) and returns the state they fill in: read it inside hooks and tests only.
 */
export function useFreshState(): SuiteState {
  const state = {} as SuiteState;
  suiteSetup(async () => {
    state.api = await activeApi();
    state.transcripts = new Transcripts(envConfigDir());
    await ensureWatching(state.api);
  });
  setup(() => freshState(state.api, state.transcripts));
  suiteTeardown(() => freshState(state.api, state.transcripts));
  return state;
}
