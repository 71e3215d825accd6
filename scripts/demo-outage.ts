// A simulated Anthropic API outage written into a Claude config dir over about a minute, as Claude Code
// would log it (line builders: test/fixtures/transcripts.ts, shaped per ARCHITECTURE.md §1.1): a success, retries
// 1..3 of a 529, the final 500 with its request ID, a new request hitting a 529, then a success (recovery).
// Used by `npm start -- --demo`; tests can run it fast with a small `stepDelayMs`.
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { assistantText, finalFailure, retryFlat, userPrompt, type Envelope } from '../test/fixtures/transcripts';

const CLAUDE_CODE_VERSION = '2.1.205';
const MODEL = 'claude-sonnet-4-5-20250929';

export interface DemoStep {
  /** What the step shows, for the console. */
  title: string;
  /** Transcript lines, given the envelope (session, cwd, time) they are written with. */
  lines: (envelope: Envelope) => string[];
}

const requestId = (suffix: string) => `req_011CVdemo${suffix.padEnd(14, '0')}`;
const overloaded = 'Overloaded';

export const DEMO_STEPS: readonly DemoStep[] = [
  {
    title: 'a request succeeds',
    lines: (e) => [userPrompt('Add input validation to the signup form', e), assistantText('Sure, looking at the form now.', e, MODEL, requestId('ok1'))],
  },
  ...[1, 2, 3].map((attempt) => ({
    title: `529 overloaded, retry ${attempt}/10`,
    lines: (e: Envelope) => [retryFlat({ status: 529, message: overloaded, requestId: requestId(`529a${attempt}`) }, attempt, e)],
  })),
  {
    title: 'the request fails for good: 500 with a request ID',
    lines: (e) => [
      finalFailure(
        'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.',
        e,
        { error: 'server_error', apiErrorStatus: 500, requestId: requestId('500final') },
      ),
    ],
  },
  {
    title: 'the next request: 529 overloaded, retry 1/10',
    lines: (e) => [userPrompt('Try again please', e), retryFlat({ status: 529, message: overloaded, requestId: requestId('529b1') }, 1, e)],
  },
  {
    title: 'a request succeeds again: recovered',
    lines: (e) => [assistantText('Done: the form now validates e-mail and password length.', e, MODEL, requestId('ok2'))],
  },
];

/** Claude Code's project folder name: the cwd with every character outside [A-Za-z0-9] turned into `-`. */
export function projectFolderName(cwd: string): string {
  return cwd.replace(/[^A-Za-z0-9]/g, '-');
}

export interface DemoOptions {
  /** The session's working directory: the workspace folder, so the default workspace scope counts it. */
  cwd: string;
  /** Pause before each step after the first; 8 s spreads the demo over about a minute. */
  stepDelayMs?: number;
  onStep?: (step: DemoStep, index: number) => void;
  signal?: AbortSignal;
  /** The first step is written at once; the rest wait for this (the editor open in a browser), then the step delay. */
  ready?: Promise<void>;
}

/** Writes the demo session step by step; resolves with the transcript path when every step is written. */
export async function writeDemoOutage(configDir: string, options: DemoOptions): Promise<string> {
  const sessionId = randomUUID();
  const transcript = path.join(configDir, 'projects', projectFolderName(options.cwd), `${sessionId}.jsonl`);
  await mkdir(path.dirname(transcript), { recursive: true });
  const stepDelayMs = options.stepDelayMs ?? 8_000;
  for (const [index, step] of DEMO_STEPS.entries()) {
    if (index === 1 && options.ready) await Promise.race([options.ready, aborted(options.signal)]);
    if (index > 0) await abortableDelay(stepDelayMs, options.signal);
    if (options.signal?.aborted) break;
    const envelope: Envelope = { sessionId, cwd: options.cwd, version: CLAUDE_CODE_VERSION, timestamp: new Date().toISOString() };
    await appendFile(transcript, step.lines(envelope).map((line) => line + '\n').join(''));
    options.onStep?.(step, index);
  }
  return transcript;
}

function aborted(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve());
  });
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
