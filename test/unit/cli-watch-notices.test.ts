// `watch` prints the notifications the editor shows: as text, and with --json as
// {"kind":"notice","reason":...} lines beside the failure lines. Real files, real timers.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/common';
import { runWatchCommand } from '../../src/cli/watch';
import type { NoticeJson } from '../../src/core/session/notices';
import { assistantText, finalFailure, userPrompt, writeConfigDir } from '../fixtures/transcripts';

function liveIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: {}, now: () => new Date() };
}

async function until(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(test(), `timed out waiting for ${what}`);
}

/** Runs `watch` over a fresh config dir until `body` is done; returns what it printed. */
async function watching(args: string[], body: (append: (file: string, line: string) => Promise<void>, io: ReturnType<typeof liveIo>) => Promise<void>): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-notices-'));
  const stop = new AbortController();
  try {
    const configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/start.jsonl': [userPrompt('hello', { timestamp: new Date().toISOString() })] });
    const io = liveIo();
    const running = runWatchCommand(['--config-dir', configDir, ...args], io, stop.signal);
    await until('watch to be live', () => io.err.some((line) => line.startsWith('Watching ')));
    const append = async (name: string, line: string) => {
      const file = path.join(configDir, 'projects', '-w', name);
      await fs.appendFile(file, line + '\n');
    };
    try {
      await body(append, io);
    } finally {
      stop.abort();
      assert.equal(await running, 0);
    }
  } finally {
    stop.abort();
    await fs.rm(root, { recursive: true, force: true });
  }
}

const now = (e: Record<string, string> = {}) => ({ timestamp: new Date().toISOString(), ...e });
const serverError = 'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.';

describe('claude-api-watch watch: notices', () => {
  it('--json: the outage notice, then back to work when another session succeeds, beside the failure lines', async () => {
    await watching(['--json'], async (append, io) => {
      const lines = () => io.out.map((line) => JSON.parse(line) as { kind: string } & Partial<NoticeJson>);
      const gaveUp = randomUUID();
      await append('a.jsonl', finalFailure(serverError, now({ sessionId: gaveUp, cwd: '/home/dev/shop' }), { error: 'server_error', apiErrorStatus: 500, requestId: 'req_cli0000001' }));
      await until('the outage notice', () => lines().some((line) => line.kind === 'notice' && line.reason === 'failure'));
      await append('b.jsonl', assistantText('back', now({ sessionId: randomUUID() })));
      await until('the back-to-work notice', () => lines().some((line) => line.reason === 'backToWork'));
      const printed = lines();
      assert.deepEqual(printed.map((line) => `${line.kind}${line.reason ? `:${line.reason}` : ''}`), ['failure', 'notice:failure', 'notice:backToWork']);
      const back = printed[2] as NoticeJson;
      assert.equal(back.sessionId, gaveUp, 'the session that gave up');
      assert.equal(back.evidence, 'success');
      assert.equal(back.resumeCommand, `claude --resume '${gaveUp}'`);
      assert.equal(back.cwd, '/home/dev/shop');
      assert.ok(back.downForMs !== null && back.downForMs >= 0);
      assert.match(back.message, /^Anthropic's API answers again \(a request succeeded in another session\): down for /);
      for (const key of ['time', 'outageStartedAt', 'answeredAt']) assert.ok(!Number.isNaN(Date.parse(String(back[key as keyof NoticeJson]))), key);
    });
  });

  it('text: a plan limit that resets two seconds after it is written, told with how to resume', async () => {
    await watching([], async (append, io) => {
      const session = randomUUID();
      const resetsAt = Math.ceil(Date.now() / 1000) + 2;
      await append(
        'limit.jsonl',
        finalFailure("You've hit your session limit · resets 5:40pm", now({ sessionId: session, cwd: '/home/dev/shop' }), {
          error: 'rate_limit',
          quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' },
        }),
      );
      await until('the limit notice', () => io.out.some((line) => / notice: Claude Code hit a limit/.test(line)));
      await until('the reset notice', () => io.out.some((line) => / notice: Your 5-hour limit has reset/.test(line)));
      const reset = io.out.find((line) => /limit has reset/.test(line))!;
      assert.match(reset, new RegExp(`^\\d\\d:\\d\\d:\\d\\d {2}notice: Your 5-hour limit has reset — resume: cd '/home/dev/shop' && claude --resume '${session}'$`));
      assert.ok(Date.now() >= resetsAt * 1000, 'not before the reset');
    });
  });
});
