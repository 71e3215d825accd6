import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/common';
import { runHistoryCommand } from '../../src/cli/history';
import type { HistoryJson } from '../../src/core/history/history';
import { assistantText, finalFailure, retryFlat, retrySdkError, writeConfigDir } from '../fixtures/transcripts';
import { incidentsDocument, startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const T = (day: number, time: string) => `2026-11-${String(day).padStart(2, '0')}T${time}:00.000Z`;

function captureIo(env: Record<string, string | undefined> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: { TZ: 'UTC', ...env }, now: () => NOW };
}

describe('claude-api-watch history', () => {
  let root: string;
  let configDir: string;
  let page: StatusPageStandIn;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-history-'));
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      // An outage on the 18th 09:50–10:05 in two sessions, during a status page incident.
      '-home-dev-shop/sess-a.jsonl': [
        assistantText('ok', { sessionId: 'sess-a', timestamp: T(18, '09:40'), version: '2.1.118' }, 'claude-opus-4-1', 'req_okA0000001'),
        retrySdkError(500, 'api_error', 'Internal server error', 'req_retryA00001', 1, { sessionId: 'sess-a', timestamp: T(18, '09:50'), version: '2.1.120' }),
        finalFailure('API Error: 500 Internal server error. This is a server-side issue, usually temporary.', { sessionId: 'sess-a', timestamp: T(18, '09:52'), version: '2.1.120' }),
        // A lone 429 on the 19th: the user's own limit, never matched.
        finalFailure("You've hit your session limit · resets 5:40pm", { sessionId: 'sess-a', timestamp: T(19, '15:00'), version: '2.1.120' }, { error: 'rate_limit' }),
      ],
      '-home-dev-api/sess-b.jsonl': [
        retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_retryB00001' }, 1, { sessionId: 'sess-b', timestamp: T(18, '10:01'), version: '2.1.121' }),
        finalFailure('API Error: Repeated 529 Overloaded errors.', { sessionId: 'sess-b', timestamp: T(18, '10:05'), version: '2.1.121' }),
        // An outage on the 20th nobody reported.
        finalFailure('API Error: 500 Internal server error.', { sessionId: 'sess-b', timestamp: T(20, '11:00'), version: '2.1.121' }),
        // Long ago: outside 7d.
        finalFailure('API Error: 500 Internal server error.', { sessionId: 'sess-b', timestamp: '2026-10-01T11:00:00.000Z' }),
      ],
    });
    page = await startStatusPageStandIn(
      { summary: statusSummary('none') },
      {
        summary: incidentsDocument([
          { name: 'Elevated errors on the Claude API', impact: 'major', startedAt: T(18, '10:10'), resolvedAt: T(18, '11:00') },
          { name: 'Earlier trouble', impact: 'minor', startedAt: T(10, '10:00'), resolvedAt: T(10, '11:00') },
        ]),
      },
    );
  });

  after(async () => {
    await page.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('--json gives buckets for every day, totals and episodes matched against incidents', async () => {
    const io = captureIo();
    assert.equal(await runHistoryCommand(['--config-dir', configDir, '--status-url', page.url, '--json'], io), 0);
    const json = JSON.parse(io.out.join('')) as HistoryJson;
    assert.equal(json.since, '2026-11-13T12:00:00.000Z');
    assert.equal(json.until, NOW.toISOString());
    assert.equal(json.bucket, 'day');
    assert.deepEqual(json.totals, { failures: 4, retries: 2, episodes: 3, byClass: { server: 2, overloaded: 1, rate_limit: 1 } });
    assert.equal(json.buckets.length, 8); // the 13th (partly) to the 20th
    assert.deepEqual(
      json.buckets.filter((b) => b.retries || Object.keys(b.failures).length).map((b) => [b.start, b.failures, b.retries]),
      [
        ['2026-11-18T00:00:00.000Z', { server: 1, overloaded: 1 }, 2],
        ['2026-11-19T00:00:00.000Z', { rate_limit: 1 }, 0],
        ['2026-11-20T00:00:00.000Z', { server: 1 }, 0],
      ],
    );
    const [outage, limit, unreported] = json.episodes;
    assert.deepEqual(outage, {
      family: 'anthropic',
      start: T(18, '09:50'),
      end: T(18, '10:05'),
      failures: 2,
      retries: 2,
      sessions: 2,
      statuses: { '500': 2, '529': 2 },
      classes: { server: 2, overloaded: 2 },
      requestIds: ['req_retryA00001', 'req_retryB00001'],
      versions: ['2.1.120', '2.1.121'],
      incident: { name: 'Elevated errors on the Claude API', impact: 'major', url: 'https://stspg.io/past0', start: T(18, '10:10'), end: T(18, '11:00') },
    });
    assert.equal(limit.family, 'rate_limit');
    assert.equal(limit.incident, null);
    assert.equal(unreported.incident, null);
    assert.deepEqual(page.requests.map((r) => r.url), ['/api/v2/incidents.json']);
  });

  it('prints a table with bars per bucket, then the episodes', async () => {
    const io = captureIo();
    assert.equal(await runHistoryCommand(['--config-dir', configDir, '--status-url', page.url, '--since', '2026-11-18T00:00:00Z', '--bucket', 'day'], io), 0);
    const text = io.out.join('\n');
    assert.match(text, /^Claude API history since 2026-11-18T00:00:00Z, by day \(UTC\): 4 failures, 2 retries, 3 episodes\./);
    assert.match(text, /^2026-11-18 {2}█+░+ +2 +2 {2}server 1, overloaded 1$/m);
    assert.match(text, /^2026-11-19 {2}█+ +1 +0 {2}rate_limit 1$/m);
    assert.match(text, /^- 2026-11-18 09:50 \(09:50 UTC\), 15 min: anthropic, 2 failures, 2 retries, 2 sessions/m);
    assert.match(text, /Anthropic incident: Elevated errors on the Claude API \(major\) https:\/\/stspg\.io\/past0/);
    assert.match(text, /not on the status page/);
    assert.match(text, /reported an incident during 1 of 2 outages/);
  });

  it('follows local days in the time zone and hours for short ranges', async () => {
    const io = captureIo({ TZ: 'Asia/Tokyo' });
    assert.equal(await runHistoryCommand(['--config-dir', configDir, '--no-status', '--since', '24h', '--json'], io), 0);
    const json = JSON.parse(io.out.join('')) as HistoryJson;
    assert.equal(json.bucket, 'hour');
    assert.equal(json.buckets.length, 25);
    assert.deepEqual(json.episodes.map((e) => e.family), ['rate_limit', 'anthropic']);
    const days = JSON.parse(await run(['--config-dir', configDir, '--no-status', '--json'], { TZ: 'Asia/Tokyo' })) as HistoryJson;
    assert.equal(days.buckets[0].start, '2026-11-12T15:00:00.000Z'); // midnight in Tokyo
  });

  it('never asks the status page for Bedrock users or with --no-status', async () => {
    const before = page.requests.length;
    await run(['--config-dir', configDir, '--status-url', page.url, '--json'], { CLAUDE_CODE_USE_BEDROCK: '1' });
    await run(['--config-dir', configDir, '--no-status', '--json']);
    assert.equal(page.requests.length, before);
  });

  it('rejects bad flags as usage errors and says when the config dir is missing', async () => {
    for (const args of [['--bucket', 'week'], ['--since', 'yesterday'], ['--quiet-minutes', '0'], ['--no-status', '--status-url', page.url], ['--status-url', 'file:///x']]) {
      const bad = captureIo();
      assert.equal(await runHistoryCommand(args, bad), 2, args.join(' '));
      const [said, usage] = bad.err.join('').split('\n\n');
      assert.ok(said.startsWith('claude-api-watch history: ') && said.includes('--'), said);
      assert.ok(usage.startsWith('Usage: claude-api-watch history'), usage);
    }
    const io = captureIo();
    assert.equal(await runHistoryCommand(['--config-dir', path.join(root, 'nope'), '--no-status'], io), 1);
    assert.match(io.err.join(''), /nope/);
  });

  async function run(args: string[], env: Record<string, string> = {}): Promise<string> {
    const io = captureIo(env);
    assert.equal(await runHistoryCommand(args, io), 0);
    return io.out.join('');
  }
});
