// Transcripts of Claude Code 2.1.143–2.1.278 end to end: what `scan --json` prints for each class,
// that refusals stay out of the failures (tracker, history), and that an index of the previous
// format is rebuilt rather than misread.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScanCommand } from '../../src/cli/scan';
import { indexedEvents, indexFileFor, loadIndex, refreshIndex, saveIndex } from '../../src/core/history/index';
import type { ScanJsonRecord } from '../../src/core/scan';
import { TranscriptEventReader } from '../../src/core/eventReader';
import { renderStatus } from '../../src/core/statusView';
import { FailureTracker } from '../../src/core/tracker';
import type { ApiEvent, ApiRefusalEvent } from '../../src/core/types';
import { captureIo } from '../support/cliIo';
import {
  assistantText,
  cloudflarePage,
  finalFailure,
  modelRefusal,
  refusalFailure,
  refusalNotice,
  retryFlat,
  retryHtml,
  retrySdk143,
  toolResult,
  userPrompt,
  writeConfigDir,
} from '../fixtures/transcripts';
import { failureAt, successAt } from '../fixtures/events';

const T = (minute: number) => `2026-09-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
const NOW = new Date('2026-09-20T12:00:00.000Z');

function jsonLines(out: string[]): ScanJsonRecord[] {
  return out.join('\n').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ScanJsonRecord);
}

const SAFEGUARDS =
  "API Error: Fable 5's safeguards flagged this message (https://www.anthropic.com/legal/aup). This sometimes happens with safe, normal conversations. Claude Code can't respond to this message with Fable 5.\n\nDouble press esc to edit your last message, or try a different model with /model.\n\nRequest ID: req_011CdRefusedLine001";

describe('scan of 2026 transcripts', () => {
  let root: string;
  let configDir: string;
  let records: ScanJsonRecord[];
  let table: string;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-2026-'));
    const s = (sessionId: string, minute: number, version: string) => ({ sessionId, timestamp: T(minute), version });
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-home-dev-shop/lost.jsonl': [
        userPrompt('write the plan', s('lost', 0, '2.1.220')),
        assistantText('Writing the plan now.', { ...s('lost', 1, '2.1.220'), uuid: 'cut-off' }, 'claude-opus-4-8', 'req_011CcCutOff000001'),
        finalFailure('API Error: Connection closed mid-response. The response above may be incomplete.', { ...s('lost', 2, '2.1.220'), parentUuid: 'cut-off' }, { error: 'unknown' }),
        finalFailure('API Error: Stream idle timeout - no chunks received', s('lost', 3, '2.1.232'), { error: 'server_error', requestId: 'req_011CcIdle00000001' }),
        finalFailure('API Error: API returned an empty or malformed response (HTTP 200) — check for a proxy or gateway intercepting the request', s('lost', 4, '2.1.240'), { error: 'unknown' }),
        // Decoys: a tool result and a prompt quoting failures and refusals.
        toolResult(`${SAFEGUARDS}\nAPI Error: Connection closed mid-response.\n"stop_reason":"refusal" model_refusal_fallback`, s('lost', 5, '2.1.240')),
        userPrompt('what does "appears to violate our Usage Policy" mean?', s('lost', 6, '2.1.240')),
      ],
      '-home-dev-shop/refused.jsonl': [
        assistantText('Looking at the exploit.', s('refused', 10, '2.1.261'), 'claude-fable-5', 'req_011CdBefore000001'),
        refusalNotice('model_refusal_no_fallback', s('refused', 11, '2.1.261'), 'req_011CdRefusedLine001'),
        refusalFailure(SAFEGUARDS, s('refused', 11, '2.1.261'), { requestId: 'req_011CdRefusedLine001', category: 'cyber' }),
        refusalNotice('model_refusal_fallback', s('refused', 12, '2.1.270'), 'req_011CdFellBack00001'),
        assistantText('Done on Opus.', s('refused', 13, '2.1.270'), 'claude-opus-4-8', 'req_011CdAfter0000001'),
        modelRefusal('', s('refused', 14, '2.1.278'), 'claude-fable-5', 'req_011CdModelSaidNo01'),
      ],
      '-home-dev-shop/limits.jsonl': [
        finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", s('limits', 20, '2.1.244'), { error: 'rate_limit' }),
        finalFailure("You've reached your Fable 5 limit · /usage-credits or /model", s('limits', 21, '2.1.270'), { error: 'rate_limit' }),
        finalFailure("You've hit your org's monthly usage limit", s('limits', 22, '2.1.275'), { error: 'unknown' }),
        finalFailure('Your account has been placed on hold.', s('limits', 23, '2.1.278'), { error: 'account_on_hold' }),
        finalFailure("API Error: The request was blocked by your organization's data policy.", s('limits', 24, '2.1.278'), { error: 'dlp_request_denied' }),
      ],
      '-home-dev-shop/retries.jsonl': [
        retryFlat({ status: 529, message: 'Overloaded' }, 57, s('retries', 30, '2.1.250'), 300, 30_000),
        retryHtml(502, 2, s('retries', 31, '2.1.250')),
        retrySdk143(529, 'overloaded_error', 'Overloaded', 3, s('retries', 32, '2.1.143')),
        finalFailure(`API Error: 502 ${cloudflarePage(502)}`, s('retries', 33, '2.1.250'), { error: 'server_error', requestId: 'req_011CeGateway00001' }),
      ],
    });
    const io = captureIo({}, NOW);
    await runScanCommand(['--config-dir', configDir, '--since', 'all', '--json'], io);
    records = jsonLines(io.out).filter((r) => (r.kind as string) !== 'unknownShape');
    const tableIo = captureIo({}, NOW);
    await runScanCommand(['--config-dir', configDir, '--since', 'all'], tableIo);
    table = tableIo.out.join('\n');
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  const of = (session: string) => records.filter((r) => r.sessionId === session);

  it('connections lost during the answer: network, cut-off flagged, the cut-off response named', () => {
    const [closed, idle, empty] = of('lost');
    assert.equal(of('lost').length, 3, 'the decoys are nothing');
    assert.deepEqual([closed.kind, closed.class, closed.status, closed.midResponse, closed.requestId], ['failure', 'network', null, true, 'req_011CcCutOff000001']);
    assert.match(closed.message, /may be incomplete/);
    assert.deepEqual([idle.class, idle.midResponse, idle.requestId, idle.errorType], ['network', false, 'req_011CcIdle00000001', 'server_error']);
    assert.deepEqual([empty.class, empty.status, empty.errorType], ['network', null, null]);
    assert.match(empty.message, /proxy or gateway/);
  });

  it('refusals: kind refusal, once each, with their request ID, no status', () => {
    const refused = of('refused');
    assert.deepEqual(
      refused.map((r) => [r.kind, r.requestId, r.status, r.class]),
      [
        ['refusal', 'req_011CdRefusedLine001', null, 'client'],
        ['refusal', 'req_011CdFellBack00001', null, 'client'],
      ],
      // A real answer with stop_reason "refusal" and no error marker is not searched for (Claude Code
      // ends a refused turn with an error line): not an event, and no success either.
    );
    assert.equal(refused[0].refusalCategory, 'cyber');
    assert.equal(refused[0].model, 'claude-fable-5');
  });

  it('plan limits and the categories of 2.1.27x', () => {
    assert.deepEqual(
      of('limits').map((r) => [r.class, r.limitWindow, r.resetsAt, r.errorType]),
      [
        ['rate_limit', '5-hour', null, 'rate_limit'],
        ['rate_limit', 'Fable 5 credits', null, 'rate_limit'],
        ['rate_limit', 'monthly spend', null, null],
        ['auth', null, null, 'account_on_hold'],
        ['client', null, null, 'dlp_request_denied'],
      ],
    );
  });

  it('retry shapes: watchdog, Cloudflare pages, the 2.1.143 SDK error', () => {
    const [watchdog, html, sdk, final] = of('retries');
    assert.deepEqual([watchdog.kind, watchdog.attempt, watchdog.maxRetries, watchdog.class], ['retry', 57, 300, 'overloaded']);
    assert.deepEqual([html.status, html.class, html.message], [502, 'server', '502 Bad Gateway']);
    assert.deepEqual([sdk.status, sdk.class, sdk.errorType, sdk.requestId], [529, 'overloaded', 'overloaded_error', null]);
    assert.deepEqual([final.status, final.message, final.wording, final.requestId], [502, '502 Bad Gateway', null, 'req_011CeGateway00001']);
  });

  it('the table says refusals apart from failures', () => {
    assert.match(table, /2 refusals \(the model declined; not API failures\)/);
    assert.match(table, /^\S+ \S+\s+refusal\s+-\s+client/m);
  });
});

describe('refusals never count as failures', () => {
  const T0 = Date.parse('2026-09-20T10:00:00.000Z');
  const refusal = (at: number, sessionId = 's1'): ApiRefusalEvent => ({
    ...failureAt(at, { sessionId, failureClass: 'client', status: null, message: "Fable 5's safeguards flagged this message" }),
    kind: 'refusal',
    refusalCategory: 'cyber',
  });

  it('the tracker lists them apart and stays healthy', () => {
    let clock = T0;
    const tracker = new FailureTracker({ now: () => clock });
    const changes: unknown[] = [];
    tracker.onDidChange((snapshot) => changes.push(snapshot));
    for (let i = 0; i < 5; i++) tracker.record(refusal(T0 + i * 1000, `s${i}`));
    clock = T0 + 10_000;
    tracker.tick();
    const snapshot = tracker.snapshot();
    assert.equal(snapshot.state, 'healthy');
    assert.equal(snapshot.failuresLastHour, 0);
    assert.equal(snapshot.failureCount, 0);
    assert.deepEqual(tracker.recentFailures(10), []);
    assert.deepEqual(tracker.currentOutage(), []);
    assert.equal(tracker.recentRefusals(10).length, 5);
    assert.equal(changes.length, 0, 'nothing to notify');
  });

  it('a refusal during an outage changes neither its count nor its end', () => {
    let clock = T0;
    const tracker = new FailureTracker({ now: () => clock });
    const events: ApiEvent[] = [failureAt(T0, { sessionId: 's1' }), refusal(T0 + 1000, 's1'), failureAt(T0 + 2000, { sessionId: 's1' })];
    for (const event of events) tracker.record(event);
    clock = T0 + 3000;
    const snapshot = tracker.snapshot();
    assert.equal(snapshot.state, 'failing');
    assert.equal(snapshot.failureCount, 2);
    assert.equal(snapshot.failuresLastHour, 2);
  });
});

describe('a plan limit ended by Claude Code continuing after the reset (2.1.234+)', () => {
  const T0 = Date.parse('2026-09-20T10:00:00.000Z');
  const MIN = 60_000;

  it('a success soon after resetsAt is a recovery', () => {
    let clock = T0;
    const tracker = new FailureTracker({ now: () => clock, quietPeriodMs: 10 * MIN });
    const resetsAt = T0 + 120 * MIN;
    tracker.record(failureAt(T0, { sessionId: 's1', failureClass: 'rate_limit', status: null, resetsAt: new Date(resetsAt).toISOString(), limitWindow: '5-hour' }));
    clock = T0 + 60 * MIN;
    tracker.tick();
    assert.equal(tracker.snapshot().state, 'failing');
    clock = resetsAt + MIN;
    tracker.tick();
    tracker.record(successAt(resetsAt + MIN, { sessionId: 's1' }));
    const snapshot = tracker.snapshot();
    assert.equal(snapshot.state, 'recovered');
    assert.equal(snapshot.recoveredAt, resetsAt + MIN);
    assert.equal(snapshot.failure?.limitWindow, '5-hour');
  });

  it('a success long after the reset is no recovery of it', () => {
    let clock = T0;
    const tracker = new FailureTracker({ now: () => clock, quietPeriodMs: 10 * MIN });
    const resetsAt = T0 + 30 * MIN;
    tracker.record(failureAt(T0, { sessionId: 's1', failureClass: 'rate_limit', status: null, resetsAt: new Date(resetsAt).toISOString() }));
    clock = resetsAt + 60 * MIN;
    tracker.tick();
    tracker.record(successAt(clock, { sessionId: 's1' }));
    assert.equal(tracker.snapshot().state, 'healthy');
  });
});

describe('history index of the previous format', () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-2026-index-'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('is rebuilt, not misread: old classes go, refusals stay out', async () => {
    const configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-p/a.jsonl': [
        finalFailure('API Error: Stream idle timeout - partial response received', { sessionId: 'a', timestamp: T(1), version: '2.1.220' }, { error: 'unknown' }),
        refusalFailure(SAFEGUARDS, { sessionId: 'a', timestamp: T(2), version: '2.1.261' }, { requestId: 'req_011CdRefusedLine001' }),
      ],
    });
    const file = path.join(configDir, 'projects', '-p', 'a.jsonl');
    const stat = await fs.stat(file);
    await fs.utimes(file, NOW, NOW);
    const store = indexFileFor(path.join(root, 'storage'), [configDir]);
    // What the previous release stored for this file: same size and time, so it would be trusted.
    const after = await fs.stat(file);
    const old = {
      format: 1,
      configDirs: [configDir],
      files: {
        [file]: {
          dev: after.dev,
          ino: after.ino,
          statSize: stat.size,
          mtimeMs: after.mtimeMs,
          endOffset: stat.size,
          nextLine: 3,
          fingerprint: 'x',
          events: [{ kind: 'failure', file, line: 1, failureClass: 'unknown', status: null, requestIds: [], timestamp: T(1), sessionId: 'a', message: 'Stream idle timeout - partial response received' }],
        },
      },
    };
    await fs.mkdir(path.dirname(store), { recursive: true });
    await fs.writeFile(store, JSON.stringify(old));
    const index = loadIndex(store, [configDir]);
    assert.deepEqual(index.files, {}, 'an index of another format is not read');
    const stats = await refreshIndex(index, { now: NOW.getTime() + 60_000 });
    saveIndex(store, index);
    assert.equal(stats.readWhole, 1);
    const events = indexedEvents(loadIndex(store, [configDir]), null);
    assert.deepEqual(
      events.map((e) => [e.kind, e.failureClass, e.midResponse]),
      [['failure', 'network', true]],
    );
  });
});

describe('the status bar and its tooltip, from real lines', () => {
  /** Lines of one session read as the editor reads them, then the status item at `now`. */
  function statusOf(lines: string[], nowMs: number) {
    const tracker = new FailureTracker({ now: () => nowMs });
    const reader = new TranscriptEventReader((event) => tracker.record(event));
    lines.forEach((line, i) => reader.acceptLine('/cfg/projects/-p/s.jsonl', Buffer.from(line), i + 1, i * 10_000));
    reader.flush('/cfg/projects/-p/s.jsonl', lines.length * 10_000, lines.length + 1);
    return { view: renderStatus(tracker.snapshot(), { showWhenHealthy: false, now: nowMs }), tracker };
  }
  const at = (minute: number) => Date.parse(T(minute));

  it('a connection closed mid-response: connection failed, the answer may be incomplete', () => {
    const { view } = statusOf(
      [
        assistantText('Writing…', { timestamp: T(0), uuid: 'a1' }, 'claude-opus-4-8', 'req_011CcCutOff000002'),
        finalFailure('API Error: Connection closed mid-response. The response above may be incomplete.', { timestamp: T(1), parentUuid: 'a1', version: '2.1.226' }, { error: 'unknown' }),
      ],
      at(2),
    );
    assert.equal(view.visible, true);
    assert.match(view.text + view.title, /connection failed/);
    assert.match(view.tooltipMarkdown, /may be incomplete/);
    assert.match(view.tooltipMarkdown, /req_011CcCutOff000002/);
  });

  it("a Cloudflare 502 reads 502 Bad Gateway, never HTML", () => {
    const { view } = statusOf([finalFailure(`API Error: 502 ${cloudflarePage(502)}`, { timestamp: T(1) }, { error: 'server_error' })], at(2));
    assert.match(view.text, /502/);
    assert.match(view.tooltipMarkdown, /502 Bad Gateway/);
    assert.doesNotMatch(view.tooltipMarkdown + view.title + (view.detail ?? ''), /<html|&lt;html|cloudflare/i);
  });

  it('a per-model credit cap promises no reset', () => {
    const { view } = statusOf([finalFailure("You've reached your Fable 5 limit · /usage-credits or /model", { timestamp: T(1), version: '2.1.270' }, { error: 'rate_limit' })], at(2));
    assert.equal(view.visible, true);
    assert.doesNotMatch(view.tooltipMarkdown + view.text, /\bresets?\b/);
  });

  it('refusals light nothing', () => {
    const { view, tracker } = statusOf(
      [
        refusalFailure(SAFEGUARDS, { timestamp: T(1), version: '2.1.261' }, { requestId: 'req_011CdRefusedLine001', category: 'cyber' }),
        modelRefusal('', { timestamp: T(2), version: '2.1.278' }),
        refusalNotice('model_refusal_fallback', { timestamp: T(3) }),
      ],
      at(4),
    );
    assert.equal(view.visible, false);
    assert.equal(tracker.snapshot().state, 'healthy');
    assert.equal(tracker.recentRefusals(10).length, 2);
  });
});
