// Every newer field, spelling and wording of ARCHITECTURE.md §1.1, read from a config dir
// through `claude-api-watch scan --json`, as a user or a script sees them. The lines are written
// in our own words after the shapes recent Claude Code releases write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScanCommand } from '../../src/cli/scan';
import type { ScanJsonRecord, ScanJsonUnknownShape } from '../../src/core/scan';
import {
  assistantText,
  finalFailure,
  retryFlat,
  retryNetworkCause,
  unfamiliarRecord,
  unknownShapeFailure,
  userPrompt,
  writeConfigDir,
} from '../fixtures/transcripts';
import { captureIo as captureCliIo } from '../support/cliIo';

const NOW = new Date('2026-11-20T15:35:00.000Z');
const T = (minute: number) => `2026-11-20T15:${String(minute).padStart(2, '0')}:00.000Z`;
const RESET = Date.parse('2026-11-20T17:40:00Z') / 1000;
const V = '2.1.232';
const e0 = (sessionId: string, minute: number) => ({ sessionId, timestamp: T(minute), version: V });

function captureIo() {
  return captureCliIo({ TZ: 'UTC' }, NOW);
}

describe('scan --json: the newer fields and spellings', () => {
  let root: string;
  let configDir: string;
  let bySession: Map<string, ScanJsonRecord[]>;
  let stderr: string;
  let unknownShapes: ScanJsonUnknownShape[];

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-formats-'));
    const e = (sessionId: string, minute: number, more: Record<string, unknown> = {}) => ({ sessionId, timestamp: T(minute), version: V, ...more });
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-home-dev-shop/plan.jsonl': [
        finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", e('plan', 1), {
          error: 'rate_limit',
          quotaLimits: { status: 'rejected', resetsAt: RESET, rateLimitType: 'five_hour', overageStatus: 'rejected', isUsingOverage: false },
        }),
      ],
      '-home-dev-shop/details.jsonl': [
        finalFailure('API Error: Request rejected · Your request went over the per-minute token budget.', e('details', 2), {
          error: 'rate_limit',
          errorDetails: '429 {"type":"error","error":{"type":"rate_limit_error","message":"Too many tokens per minute"},"request_id":"req_011CVdetails000000001"}',
        }),
      ],
      '-home-dev-shop/transient.jsonl': [
        finalFailure('API Error: Server is temporarily limiting requests (not your usage limit) · Rate limited', e('transient', 3), {
          error: 'rate_limit',
          apiErrorStatus: 429,
          apiErrorIsTransient: true,
        }),
      ],
      '-home-dev-shop/cut.jsonl': [
        userPrompt('refactor the parser', e('cut', 4, { uuid: 'p1' })),
        assistantText('Starting with the lexer', e('cut', 5, { uuid: 'c1', parentUuid: 'p1' }), 'claude-opus-4-5', 'req_011CVcutoffresponse01'),
        finalFailure('API Error: Server error mid-response. The response above may be incomplete.', e('cut', 6, { uuid: 'c2', parentUuid: 'c1' }), {
          truncatedAfterOutput: true,
          error: 'server_error',
        }),
      ],
      '-home-dev-shop/socket.jsonl': [
        retryFlat({ status: null, message: 'Unable to connect to API', connectionCode: 'FailedToOpenSocket' }, 1, e('socket', 7)),
        retryNetworkCause('ConnectionRefused', 2, e('socket', 8)),
        finalFailure('API Error: Unable to connect to API (ConnectionClosed)', e('socket', 9), { error: 'unknown' }),
      ],
      '-home-dev-shop/login.jsonl': [
        finalFailure('Login expired · Please run /login', e('login', 10), { error: 'authentication_failed', apiErrorStatus: null }),
      ],
      '-home-dev-shop/twins.jsonl': [
        unfamiliarRecord('mode', e('twins', 11), { mode: 'plan' }),
        unfamiliarRecord('cost-state', e('twins', 11), { totalCostUsd: 0.42 }),
        finalFailure('API Error: 500 Internal server error.', e('twins', 12), { session_id: 'another-id', apiErrorStatus: 500 }),
      ],
      '-home-dev-shop/future.jsonl': [
        unknownShapeFailure(e('future', 13, { version: '2.1.290' })),
        finalFailure('API Error: 503 Service unavailable.', e('future', 14, { version: '2.1.290' })),
        unknownShapeFailure(e('future', 15, { version: '2.1.290' })),
      ],
    });
    const io = captureIo();
    assert.equal(await runScanCommand(['--config-dir', configDir, '--since', 'all', '--json'], io), 0);
    const lines = io.out.join('\n').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScanJsonRecord | ScanJsonUnknownShape);
    unknownShapes = lines.filter((line): line is ScanJsonUnknownShape => line.kind === 'unknownShape');
    const records = lines.filter((line): line is ScanJsonRecord => line.kind !== 'unknownShape');
    bySession = new Map();
    for (const record of records) bySession.set(record.sessionId!, [...(bySession.get(record.sessionId!) ?? []), record]);
    stderr = io.err.join('\n');
  });

  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const only = (session: string): ScanJsonRecord => {
    const records = bySession.get(session) ?? [];
    assert.equal(records.length, 1, `one event in ${session}`);
    return records[0];
  };

  it('a plan limit: its window and reset time, and a 429 said to be implied', () => {
    const r = only('plan');
    assert.equal(r.class, 'rate_limit');
    assert.equal(r.limitWindow, '5-hour');
    assert.equal(r.resetsAt, '2026-11-20T17:40:00.000Z');
    assert.equal(r.status, 429);
    assert.equal(r.statusSource, 'category');
  });

  it('errorDetails: status, error type and request ID the text lacks', () => {
    const r = only('details');
    assert.equal(r.status, 429);
    assert.equal(r.statusSource, 'record');
    assert.equal(r.errorType, 'rate_limit_error');
    assert.equal(r.requestId, 'req_011CVdetails000000001');
  });

  it('apiErrorIsTransient: a temporary capacity limit, not the usage limit', () => {
    const r = only('transient');
    assert.equal(r.transient, true);
    assert.match(r.message, /not your usage limit/);
  });

  it("a mid-response failure says so and carries the cut-off response's request ID", () => {
    const r = only('cut');
    assert.equal(r.midResponse, true);
    assert.equal(r.class, 'server');
    assert.equal(r.requestId, 'req_011CVcutoffresponse01');
    assert.equal(r.model, 'claude-opus-4-5');
    assert.equal(r.status, null);
  });

  it("the runtime's CamelCase network codes are network failures, code kept", () => {
    const records = bySession.get('socket') ?? [];
    assert.deepEqual(
      records.map((r) => [r.kind, r.class, r.networkCode, r.status]),
      [
        ['retry', 'network', 'FailedToOpenSocket', null],
        ['retry', 'network', 'ConnectionRefused', null],
        ['failure', 'network', 'ConnectionClosed', null],
      ],
    );
  });

  it('an auth failure without a status: 401 only as implied, never in the message', () => {
    const r = only('login');
    assert.equal(r.class, 'auth');
    assert.equal(r.status, 401);
    assert.equal(r.statusSource, 'category');
    assert.doesNotMatch(r.message, /401/);
  });

  it('unknown record types are ignored and sessionId wins over a differing session_id', () => {
    const r = only('twins');
    assert.equal(r.status, 500);
    assert.equal(r.statusSource, 'record');
  });

  it('an unknown shape beside a known one: the known one is reported, the unknown counted on stderr', () => {
    const r = only('future');
    assert.equal(r.status, 503);
    assert.match(stderr, /2 error lines in 1 shape this release cannot read \(Claude Code 2\.1\.290: 2\)/);
    assert.match(stderr, /newer than 2\.1\.278/);
  });

  it('scan --json lists the unknown shape after the events: skeleton, counts by version, where, no values', () => {
    assert.equal(unknownShapes.length, 1);
    const [shape] = unknownShapes;
    assert.equal(shape.kind, 'unknownShape');
    assert.equal(shape.count, 2);
    assert.deepEqual(shape.versions, { '2.1.290': 2 });
    assert.match(shape.skeleton, /failure:\{detail:\{kind:string,reason:string\},httpCode:number\}/);
    assert.match(shape.skeleton, /isApiErrorMessage:boolean/);
    assert.equal(path.basename(shape.file), 'future.jsonl');
    assert.equal(shape.line, 1);
    const text = JSON.stringify(shape);
    for (const value of ['maintenance', '4417', 'upstream', '503']) assert.ok(!text.includes(value), `no value (${value}) in the line`);
  });

  it('scan --json prints no unknown-shape line when every error line was read', async () => {
    const clean = await writeConfigDir(path.join(root, 'clean'), {
      '-home-dev-shop/ok.jsonl': [finalFailure('API Error: 500 Internal server error.', e0('ok', 20))],
    });
    const io = captureIo();
    assert.equal(await runScanCommand(['--config-dir', clean, '--since', 'all', '--json'], io), 0);
    const lines = io.out.join('\n').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { kind: string });
    assert.deepEqual(lines.map((line) => line.kind), ['failure']);
    assert.equal(io.err.join('\n'), '');
  });

  it('the table shows no status the line did not carry, and when a plan limit resets', async () => {
    const io = captureIo();
    await runScanCommand(['--config-dir', configDir, '--since', 'all'], io);
    const text = io.out.join('\n');
    assert.match(text, /failure\s+-\s+auth\s+-\s+shop\s+Login expired/);
    assert.match(text, /You've hit your session limit · plan limit \(5-hour\) · resets \S+, in 2 h 5 min/);
  });
});
