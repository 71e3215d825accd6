import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { CliIo } from '../../src/cli/common';
import { runScanCommand } from '../../src/cli/scan';
import { runWatchCommand } from '../../src/cli/watch';
import type { ScanJsonRecord } from '../../src/core/scan';
import {
  assistantText,
  finalFailure,
  retryFlat,
  retryNetworkCause,
  retrySdkError,
  syntheticNotFailure,
  toolResult,
  userPrompt,
  writeConfigDir,
} from '../fixtures/transcripts';
import { plantHostileEntries } from '../fixtures/hostileEntries';

const T = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
const NOW = new Date('2026-11-20T12:00:00.000Z');

function captureIo(env: Record<string, string | undefined> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, now: () => NOW };
}

function jsonLines(out: string[]): ScanJsonRecord[] {
  return out.join('\n').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScanJsonRecord);
}

describe('claude-api-watch scan', () => {
  let root: string;
  let configDir: string;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-scan-'));
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      // 2.1.x session: retries then a final failure whose ID comes from the retries.
      '-home-dev-shop/sess-a.jsonl': [
        userPrompt('fix the build', { sessionId: 'sess-a', timestamp: T(0) }),
        assistantText('On it.', { sessionId: 'sess-a', timestamp: T(1), version: '2.1.118' }, 'claude-opus-4-1', 'req_okA0000001'),
        retrySdkError(500, 'api_error', 'Internal server error', 'req_retryA00001', 1, { sessionId: 'sess-a', timestamp: T(2), version: '2.1.120' }),
        retryFlat({ status: 500, message: 'Internal server error', requestId: 'req_retryA00002' }, 2, { sessionId: 'sess-a', timestamp: T(3), version: '2.1.120' }),
        finalFailure('API Error: 500 Internal server error. This is a server-side issue, usually temporary.', { sessionId: 'sess-a', timestamp: T(4), version: '2.1.120' }),
        toolResult('log: API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}', { sessionId: 'sess-a', timestamp: T(5) }),
        finalFailure('API Error: Request was aborted.', { sessionId: 'sess-a', timestamp: T(6) }),
      ],
      // 1.0.x session with an inline sidechain failure.
      '-home-dev-api/sess-b.jsonl': [
        assistantText('ok', { sessionId: 'sess-b', timestamp: T(10), version: '1.0.88' }, 'claude-sonnet-4-20250514'),
        finalFailure('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_ownB0000001"}', {
          sessionId: 'sess-b',
          timestamp: T(11),
          version: '1.0.88',
          isSidechain: true,
        }),
        syntheticNotFailure('No response requested.', { sessionId: 'sess-b', timestamp: T(12) }),
      ],
      // 2.1.2+ subagent file and a 2.0.x agent file.
      '-home-dev-api/sess-c/subagents/agent-x1.jsonl': [retryNetworkCause('ECONNRESET', 1, { sessionId: 'sess-c', timestamp: T(20) })],
      '-home-dev-api/agent-y2.jsonl': [finalFailure("You've hit your session limit · resets 5:40pm", { sessionId: 'sess-d', timestamp: T(30) }, { error: 'rate_limit' })],
    });
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('reports every failure and retry with status, class and request ID, and nothing else', async () => {
    const io = captureIo();
    assert.equal(await runScanCommand(['--config-dir', configDir, '--since', 'all', '--json'], io), 0);
    const records = jsonLines(io.out);
    const summary = records.map((r) => [r.kind, r.status, r.class, r.requestId, path.basename(r.file), r.line]);
    assert.deepEqual(
      summary.sort((a, b) => String(a[4]).localeCompare(String(b[4])) || Number(a[5]) - Number(b[5])),
      [
        ['retry', null, 'network', null, 'agent-x1.jsonl', 1],
        ['failure', 429, 'rate_limit', null, 'agent-y2.jsonl', 1],
        ['retry', 500, 'server', 'req_retryA00001', 'sess-a.jsonl', 3],
        ['retry', 500, 'server', 'req_retryA00002', 'sess-a.jsonl', 4],
        ['failure', 500, 'server', 'req_retryA00002', 'sess-a.jsonl', 5],
        ['failure', 529, 'overloaded', 'req_ownB0000001', 'sess-b.jsonl', 2],
      ],
    );
    const failureA = records.find((r) => r.kind === 'failure' && r.sessionId === 'sess-a')!;
    assert.deepEqual(Object.keys(failureA), [
      'kind', 'uuid', 'sessionId', 'timestamp', 'status', 'statusSource', 'class', 'requestId', 'requestIds', 'message', 'wording',
      'version', 'model', 'cwd', 'file', 'line', 'attempt', 'maxRetries',
      'errorType', 'networkCode', 'limitWindow', 'resetsAt', 'transient', 'midResponse', 'refusalCategory',
    ]);
    assert.equal(failureA.statusSource, 'text');
    const planLimit = records.find((r) => r.sessionId === 'sess-d')!;
    assert.equal(planLimit.statusSource, 'category', 'the 429 of a plan limit is implied, not sent');
    // Claude Code's whole wording beside the short message: the reset time is kept.
    assert.match(String(planLimit.wording), /session limit · resets 5:40pm/);
    assert.deepEqual(failureA.requestIds, ['req_retryA00002', 'req_retryA00001']);
    assert.equal(failureA.model, 'claude-opus-4-1');
    assert.equal(failureA.version, '2.1.120');
    assert.equal(failureA.attempt, null);
    assert.ok(path.isAbsolute(failureA.file));
    const retry = records.find((r) => r.requestId === 'req_retryA00002' && r.kind === 'retry')!;
    assert.equal(retry.attempt, 2);
    assert.equal(retry.maxRetries, 10);
  });

  it('filters by --since (duration and ISO time)', async () => {
    const io = captureIo();
    await runScanCommand(['--config-dir', configDir, '--since', '2026-11-20T10:15:00Z', '--json'], io);
    assert.deepEqual(jsonLines(io.out).map((r) => r.timestamp), [T(20), T(30)].sort());
    const recent = captureIo();
    // NOW is 12:00; 2h back reaches 10:00, so all six; 1h back none.
    await runScanCommand(['--config-dir', configDir, '--since', '1h', '--json'], recent);
    assert.deepEqual(jsonLines(recent.out), []);
  });

  it('prints a readable table with a summary', async () => {
    const io = captureIo();
    await runScanCommand(['--config-dir', configDir, '--since', 'all'], io);
    const text = io.out.join('\n');
    assert.match(text, /^TIME \(UTC\)\s+KIND\s+STATUS\s+CLASS\s+REQUEST ID\s+PROJECT\s+MESSAGE/);
    assert.match(text, /2026-11-20 10:04:00\s+failure\s+500\s+server\s+req_retryA00002\s+shop\s+500 Internal server error/);
    assert.match(text, /3 failures, 3 retries in 4 sessions in all transcripts\./);
  });

  it("the table keeps Claude Code's whole wording: a plan limit's reset time, the rate limit a 429 exceeded", async () => {
    const dir = await writeConfigDir(path.join(root, 'claude-limits'), {
      '-home-dev-shop/sess-l.jsonl': [
        finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", { sessionId: 'sess-l', timestamp: T(40) }, { error: 'rate_limit' }),
        finalFailure(
          "API Error: Request rejected (429) · This request would exceed your organization's rate limit of 30,000 input tokens per minute.",
          { sessionId: 'sess-l', timestamp: T(41) },
        ),
      ],
    });
    const io = captureIo();
    await runScanCommand(['--config-dir', dir, '--since', 'all'], io);
    const text = io.out.join('\n');
    assert.match(text, /session limit · resets 5:40pm \(Europe\/Madrid\)/);
    assert.match(text, /429\s+rate_limit\s+-\s+shop\s+Request rejected \(429\) · This request would exceed your organization's rate limit of 30,000 input tokens per minute/);
  });

  it('takes the config dir from CLAUDE_CONFIG_DIR', async () => {
    const io = captureIo({ CLAUDE_CONFIG_DIR: configDir, HOME: root });
    await runScanCommand(['--since', 'all', '--json'], io);
    assert.equal(jsonLines(io.out).length, 6);
  });

  it('exits 1 with a clear message when the config dir is missing, 2 on bad usage', async () => {
    const missing = captureIo();
    assert.equal(await runScanCommand(['--config-dir', path.join(root, 'nope')], missing), 1);
    assert.match(missing.err.join('\n'), /no Claude Code config dir at .*nope/);

    const cli = path.resolve('src/cli.ts');
    const run = promisify(execFile);
    const usage = await run(process.execPath, ['--import', 'tsx', cli, 'scan', '--bogus'], { env: { ...process.env, HOME: root } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((usage as { code: number }).code, 2);
    assert.match((usage as { stderr: string }).stderr, /Unknown option '--bogus'/);
    const badSince = await run(process.execPath, ['--import', 'tsx', cli, 'scan', '--config-dir', configDir, '--since', 'yesterday']).catch((e: { code: number; stderr: string }) => e);
    assert.equal((badSince as { code: number }).code, 2);
  });
});

describe('claude-api-watch scan at the edges', () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-scan-edges-'));
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });
  const cli = path.resolve('src/cli.ts');

  it('takes a blank --config-dir for a usage error (exit 2), not for the default', async () => {
    for (const blank of ['', '  ']) {
      for (const run of [(io: CliIo) => runScanCommand(['--config-dir', blank], io), (io: CliIo) => runWatchCommand(['--config-dir', blank], io, AbortSignal.abort())]) {
        const io = captureIo({ HOME: root });
        assert.equal(await run(io), 2);
        assert.match(io.err.join('\n'), /--config-dir needs a directory[\s\S]*Usage: claude-api-watch/);
      }
    }
    const run = promisify(execFile);
    const blank = await run(process.execPath, ['--import', 'tsx', cli, 'scan', '--config-dir', ''], { env: { ...process.env, HOME: root } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((blank as { code: number }).code, 2);
    assert.match((blank as { stderr: string }).stderr, /--config-dir needs a directory/);
  });

  it('names each entry it cannot read on stderr with their count, and reports the rest', { skip: process.platform === 'win32' }, async () => {
    const configDir = await writeConfigDir(path.join(root, 'hostile'), {
      '-w/ok.jsonl': [finalFailure('API Error: 500 Internal server error.', { timestamp: T(1) })],
    });
    const planted = await plantHostileEntries(path.join(configDir, 'projects', '-w'));
    try {
      const io = captureIo();
      assert.equal(await runScanCommand(['--config-dir', configDir, '--since', 'all', '--json'], io), 0);
      assert.deepEqual(jsonLines(io.out).map((r) => [r.kind, r.status]), [['failure', 500]]);
      const err = io.err.join('\n');
      assert.match(err, new RegExp(`skipped ${planted.expected.length} entries that cannot be read`));
      for (const entry of planted.expected) assert.ok(err.includes(`${entry.path}: `) && err.includes(`(${entry.code})`), `${entry.path} not named`);
    } finally {
      await planted.close();
    }
  });

  it('ends quietly with 0 when its reader closes the pipe (scan --json | head)', { skip: process.platform === 'win32' }, async () => {
    const many = Array.from({ length: 4000 }, (_, i) =>
      finalFailure(`API Error: 500 Internal server error. ${'x'.repeat(200)}`, { timestamp: T(i % 60), sessionId: `s-${i}` }),
    );
    const configDir = await writeConfigDir(path.join(root, 'many'), { '-w/big.jsonl': many });
    const run = promisify(execFile);
    const { stdout, stderr } = await run('bash', [
      '-c',
      `"${process.execPath}" --import tsx "${cli}" scan --json --since all --config-dir "${configDir}" | head -n 1; echo "exit=\${PIPESTATUS[0]}"`,
    ]);
    assert.match(stdout, /^\{"kind":"failure"/);
    assert.match(stdout, /exit=0\n$/);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });
});

describe('claude-api-watch watch', () => {
  it('prints each new failure or retry as it is appended, and not what was there before', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-'));
    const stop = new AbortController();
    try {
      const configDir = await writeConfigDir(path.join(root, 'claude'), {
        '-w/s1.jsonl': [finalFailure('API Error: 500 Internal server error.', { timestamp: new Date().toISOString() })],
      });
      const io = captureIo();
      const lines: ScanJsonRecord[] = [];
      // Notices (kind `notice`) have their own test (cli-watch-notices.test.ts).
      io.stdout = (s) => void ((JSON.parse(s) as { kind: string }).kind !== 'notice' && lines.push(JSON.parse(s) as ScanJsonRecord));
      const running = runWatchCommand(['--config-dir', configDir, '--json'], io, stop.signal);
      // Append only once the watcher says it is live: earlier lines are context, not news.
      const liveBy = Date.now() + 10_000;
      while (!io.err.some((line) => line.startsWith('Watching ')) && Date.now() < liveBy) await new Promise((r) => setTimeout(r, 20));
      assert.ok(io.err.some((line) => line.startsWith('Watching ')), 'watch never said it was live');
      const file = path.join(configDir, 'projects', '-w', 's1.jsonl');
      await fs.appendFile(file, retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_live0000001', 1) + '\n');
      await fs.mkdir(path.join(configDir, 'projects', '-new'), { recursive: true });
      await fs.writeFile(path.join(configDir, 'projects', '-new', 's2.jsonl'), finalFailure('API Error: Unable to connect to API (ECONNRESET)') + '\n');
      const deadline = Date.now() + 10_000;
      while (lines.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      stop.abort();
      assert.equal(await running, 0);
      assert.deepEqual(
        lines.map((l) => [l.kind, l.status, l.class, l.requestId]).sort(),
        [
          ['failure', null, 'network', null],
          ['retry', 529, 'overloaded', 'req_live0000001'],
        ],
      );
    } finally {
      stop.abort();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('without --json, prints the state changes a person cares about', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-human-'));
    const stop = new AbortController();
    try {
      const configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [userPrompt('hello', { timestamp: new Date().toISOString() })] });
      const io = captureIo();
      io.now = () => new Date();
      const running = runWatchCommand(['--config-dir', configDir], io, stop.signal);
      const liveBy = Date.now() + 10_000;
      while (!io.err.some((line) => line.startsWith('Watching ')) && Date.now() < liveBy) await new Promise((r) => setTimeout(r, 20));
      const file = path.join(configDir, 'projects', '-w', 's1.jsonl');
      const now = () => ({ timestamp: new Date().toISOString() });
      const waitFor = async (pattern: RegExp) => {
        const deadline = Date.now() + 10_000;
        while (!io.out.some((line) => pattern.test(line)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.ok(io.out.some((line) => pattern.test(line)), `no line matching ${pattern} in ${JSON.stringify(io.out)}`);
      };
      await fs.appendFile(file, retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_h1', 3, now()) + '\n');
      await waitFor(/^\d\d:\d\d:\d\d {2}retrying 529 3\/10$/);
      await fs.appendFile(file, finalFailure('API Error: 500 Internal server error.', now()) + '\n');
      await fs.mkdir(path.join(configDir, 'projects', '-x'), { recursive: true });
      await fs.writeFile(path.join(configDir, 'projects', '-x', 's2.jsonl'), finalFailure('API Error: 500 Internal server error.', { ...now(), sessionId: 's2' }) + '\n');
      // Two requests failed, one after a retry: requests and retries apart, never "×3".
      await waitFor(/^\d\d:\d\d:\d\d {2}outage: 500 \(2 failed requests after 1 retry\) in 2 sessions$/);
      await fs.appendFile(file, assistantText('back', now()) + '\n');
      await fs.appendFile(path.join(configDir, 'projects', '-x', 's2.jsonl'), assistantText('back', { ...now(), sessionId: 's2' }) + '\n');
      await waitFor(/^\d\d:\d\d:\d\d {2}recovered$/);
      stop.abort();
      assert.equal(await running, 0);
    } finally {
      stop.abort();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("prints each change at its line's own time, also for lines read in one burst", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-watch-burst-'));
    const stop = new AbortController();
    try {
      const configDir = await writeConfigDir(path.join(root, 'claude'), { '-w/s1.jsonl': [userPrompt('hello', { timestamp: new Date().toISOString() })] });
      const io = captureIo();
      io.now = () => new Date();
      const running = runWatchCommand(['--config-dir', configDir], io, stop.signal);
      const liveBy = Date.now() + 10_000;
      while (!io.err.some((line) => line.startsWith('Watching ')) && Date.now() < liveBy) await new Promise((r) => setTimeout(r, 20));
      // Three minutes of Claude Code's work written at once (a sleeping laptop, a synced folder).
      const retryAt = new Date(Date.now() - 3 * 60_000);
      const failedAt = new Date(Date.now() - 2 * 60_000);
      await fs.appendFile(
        path.join(configDir, 'projects', '-w', 's1.jsonl'),
        retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_b1', 1, { timestamp: retryAt.toISOString() }) +
          '\n' +
          finalFailure('API Error: 529 Overloaded.', { timestamp: failedAt.toISOString() }) +
          '\n',
      );
      const deadline = Date.now() + 10_000;
      while (!io.out.some((line) => line.includes('outage')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      stop.abort();
      assert.equal(await running, 0);
      const clock = (at: Date) => at.toISOString().slice(11, 19);
      assert.ok(io.out.includes(`${clock(failedAt)}  outage: 529 (1 failed request after 1 retry)`), JSON.stringify(io.out));
      const retrying = io.out.find((line) => line.includes('retrying'));
      if (retrying) assert.equal(retrying, `${clock(retryAt)}  retrying 529 1/10`);
    } finally {
      stop.abort();
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('exits 1 with the reason when the config dir is missing, 2 with the usage on bad flags', async () => {
    const io = captureIo();
    assert.equal(await runWatchCommand(['--config-dir', path.join(os.tmpdir(), 'caw-no-such-dir')], io, new AbortController().signal), 1);
    assert.match(io.err.join('\n'), /caw-no-such-dir/);
    const bad = captureIo();
    assert.equal(await runWatchCommand(['--bogus'], bad, new AbortController().signal), 2);
    assert.match(bad.err.join('\n'), /Unknown option '--bogus'[\s\S]*Usage: claude-api-watch watch/);
  });
});
