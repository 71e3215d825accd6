import { after, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { FormatCanary, type UnknownShape } from '../../src/core/canary';
import { conversationRole, EVENT_LINE_MARKERS, TranscriptEventReader } from '../../src/core/eventReader';
import { parseTranscriptLine } from '../../src/core/records';
import { prng } from '../fixtures/prng';
import { readCompleteLinesSync } from '../../src/core/files/lines';
import { isFailureEvent, type ApiEvent, type ApiFailureEvent } from '../../src/core/types';
import {
  assistantText,
  finalFailure,
  retryFlat,
  retryNetworkCause,
  retrySdkError,
  syntheticNotFailure,
  toolResult,
  unknownShapeFailure,
  userInterrupt,
  userPrompt,
} from '../fixtures/transcripts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caw-reader-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

/** Writes the lines to a transcript and reads it the way the scan does, in one batch. */
function read(lines: string[], canary?: FormatCanary): ApiEvent[] {
  const file = path.join(dir, `s${++fileCount}.jsonl`);
  fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));
  const events: ApiEvent[] = [];
  const reader = new TranscriptEventReader((e) => events.push(e), undefined, canary);
  const end = readCompleteLinesSync(file, 0, 1, (line, lineNumber, byteOffset) => reader.acceptLine(file, line, lineNumber, byteOffset));
  reader.flush(file, end.endOffset, end.nextLineNumber);
  return events;
}

const failures = (events: ApiEvent[]) => events.filter(isFailureEvent);

describe('TranscriptEventReader', () => {
  it('gives a failure without its own ID the IDs of the retries before it, newest first', () => {
    const events = read([
      userPrompt('hello'),
      assistantText('hi', { version: '2.1.118' }, 'claude-opus-4-1', 'req_ok1111111'),
      retryFlat({ status: 500, message: 'Internal server error', requestId: 'req_retry111111' }, 1, { version: '2.1.120' }),
      retryFlat({ status: 500, message: 'Internal server error', requestId: 'req_retry222222' }, 2, { version: '2.1.120' }),
      finalFailure('API Error: 500 Internal server error. This is a server-side issue.', { version: '2.1.120' }),
    ]);
    const [r1, r2, f] = failures(events);
    assert.equal(r1.kind, 'retry');
    assert.deepEqual(r1.requestIds, ['req_retry111111']);
    assert.equal(r2.attempt, 2);
    assert.equal(f.kind, 'failure');
    assert.deepEqual(f.requestIds, ['req_retry222222', 'req_retry111111']);
    assert.equal(f.requestId, 'req_retry222222');
    assert.equal(f.model, 'claude-opus-4-1');
    assert.equal(f.lastSuccessVersion, '2.1.118');
    assert.equal(f.version, '2.1.120');
    assert.equal(f.line, 5);
    assert.ok(f.file.endsWith('.jsonl'));
  });

  it('keeps a failure\'s own ID first, then the retries\'', () => {
    const [, f] = failures(
      read([
        retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_retryAAAAAA', 1),
        finalFailure('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_ownBBBBBBBB"}'),
      ]),
    );
    assert.deepEqual(f.requestIds, ['req_ownBBBBBBBB', 'req_retryAAAAAA']);
  });

  it('does not lend the IDs of retries that a success ended to a later failure', () => {
    const events = read([
      retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_oldretry111' }, 1),
      assistantText('recovered', {}, 'claude-sonnet-4-5', 'req_success1111'),
      finalFailure('API Error: Unable to connect to API (ECONNRESET)'),
    ]);
    const f = failures(events)[1];
    assert.deepEqual(f.requestIds, []);
    assert.equal(f.requestId, null);
    assert.equal(f.model, 'claude-sonnet-4-5');
  });

  it('emits successes in order: the one that ended a failure comes after it', () => {
    const events = read([
      assistantText('one', {}, 'claude-sonnet-4-5', 'req_a11111111'),
      finalFailure('API Error: 500 Internal server error.'),
      userPrompt('again'),
      assistantText('two', {}, 'claude-sonnet-4-5', 'req_b22222222'),
    ]);
    assert.deepEqual(
      events.map((e) => [e.kind, e.line]),
      [
        ['success', 1],
        ['failure', 2],
        ['success', 4],
      ],
    );
  });

  it('takes the model of the last real success, skipping synthetic and decoy lines', () => {
    const events = read([
      assistantText('a', {}, 'claude-opus-4-1'),
      assistantText('b', {}, 'claude-haiku-4-5'),
      syntheticNotFailure('No response requested.'),
      toolResult('ok', {}, { role: 'assistant', note: 'structured result mentioning "assistant"' }),
      finalFailure('API Error: 529 Overloaded'),
    ]);
    assert.equal(failures(events)[0].model, 'claude-haiku-4-5');
  });

  it('keeps inline sidechains (1.0.x) apart from the main thread', () => {
    const events = read([
      assistantText('main', {}, 'claude-opus-4-1'),
      assistantText('agent', { isSidechain: true }, 'claude-haiku-4-5'),
      finalFailure('API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"}}', { isSidechain: true }),
      finalFailure('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    ]);
    const [side, main] = failures(events);
    assert.equal(side.isSidechain, true);
    assert.equal(side.model, 'claude-haiku-4-5');
    assert.equal(main.model, 'claude-opus-4-1');
  });

  it("reads the user's interrupt as an interrupt event; the interrupted retries' IDs go to no later failure", () => {
    const events = read([
      retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_retry0000001', 1),
      userInterrupt(),
      finalFailure('API Error: 500 Internal server error.'),
    ]);
    assert.deepEqual(events.map((e) => e.kind), ['retry', 'interrupt', 'failure']);
    assert.deepEqual((events[2] as ApiFailureEvent).requestIds, []);
    assert.equal(events[1].line, 2);
  });

  it('ignores quoted errors and aborts entirely', () => {
    const events = read([
      userPrompt('API Error: 500 {"type":"error","error":{"type":"api_error"}}'),
      toolResult(finalFailure('API Error: 529 Overloaded')),
      finalFailure('API Error: Request was aborted.'),
      finalFailure('[Request interrupted by user]'),
    ]);
    assert.deepEqual(failures(events), []);
  });

  it('finds the success that ends a failure in a later batch, as a live tail delivers it', () => {
    const file = path.join(dir, 'live.jsonl');
    const events: ApiEvent[] = [];
    const reader = new TranscriptEventReader((e) => events.push(e));
    let position = { endOffset: 0, nextLineNumber: 1 };
    const append = (lines: string[]) => {
      fs.appendFileSync(file, lines.map((l) => l + '\r\n').join(''));
      const end = readCompleteLinesSync(file, position.endOffset, position.nextLineNumber, (line, n, offset) => reader.acceptLine(file, line, n, offset));
      reader.flush(file, end.endOffset, end.nextLineNumber);
      position = end;
    };
    append([assistantText('before', {}, 'claude-opus-4-1'), finalFailure('API Error: 500 Internal server error.')]);
    append([userPrompt('retry please'), toolResult('x'.repeat(200_000))]);
    append([assistantText('after', {}, 'claude-sonnet-4-5'), userPrompt('thanks')]);
    append([assistantText('again', {}, 'claude-sonnet-4-5')]);
    assert.deepEqual(
      events.map((e) => [e.kind, e.line, e.kind === 'interrupt' ? null : e.model]),
      [
        ['success', 1, 'claude-opus-4-1'],
        ['failure', 2, 'claude-opus-4-1'],
        ['success', 5, 'claude-sonnet-4-5'],
      ],
    );
  });

  it('reads back across multi-MB lines and chunk edges to the last success', () => {
    const big = toolResult('y'.repeat(3_000_000));
    const events = read([assistantText('old', {}, 'claude-haiku-4-5'), big, big, finalFailure('API Error: 529 Overloaded')]);
    const failure = failures(events)[0];
    assert.equal(failure.model, 'claude-haiku-4-5');
    assert.equal(events[0].line, 1);
  });

  it('finds failures, retries and the model in JSON written with spaces after separators', () => {
    const spaced = (compact: string) => compact.replace(/":/g, '": ').replace(/,"/g, ', "');
    const events = read(
      [
        assistantText('ok', {}, 'claude-opus-4-1'),
        retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_spaced00001', 1),
        finalFailure('API Error: 529 Overloaded'),
      ].map(spaced),
    );
    assert.deepEqual(
      failures(events).map((e) => [e.kind, e.status, e.model]),
      [
        ['retry', 529, 'claude-opus-4-1'],
        ['failure', 529, 'claude-opus-4-1'],
      ],
    );
  });

  it('reports a malformed line that carries a marker once per file, and goes on', () => {
    const file = path.join(dir, 'broken.jsonl');
    fs.writeFileSync(
      file,
      [
        '{"type":"assistant","isApiErrorMessage":true,"message":{"content":[{"type":"text","text":"API Err',
        '{"type":"system","subtype":"api_error", oops',
        finalFailure('API Error: 500 Internal server error.'),
      ].join('\n') + '\n',
    );
    const problems: Array<[string, number]> = [];
    const events: ApiEvent[] = [];
    const reader = new TranscriptEventReader(
      (e) => events.push(e),
      (problemFile, lineNumber) => problems.push([path.basename(problemFile), lineNumber]),
    );
    readCompleteLinesSync(file, 0, 1, (line, n, offset) => reader.acceptLine(file, line, n, offset));
    assert.deepEqual(problems, [['broken.jsonl', 1]]);
    assert.deepEqual(failures(events).map((e) => e.line), [3]);
  });

  it("gives a mid-response failure the cut-off response's request ID, from the same chain", () => {
    const cutOff = 'req_011CVcutoff00000000001';
    const events = read([
      userPrompt('write the migration', { uuid: 'u1' }),
      assistantText('Here is the first half', { uuid: 'a1', parentUuid: 'u1' }, 'claude-opus-4-1', cutOff),
      assistantText('and the plan', { uuid: 'a2', parentUuid: 'a1' }, 'claude-opus-4-1', cutOff),
      finalFailure('API Error: Server error mid-response. The response above may be incomplete.', { uuid: 'f1', parentUuid: 'a2' }),
    ]);
    const [f] = failures(events);
    assert.equal(f.midResponse, true);
    assert.equal(f.requestId, cutOff);
    assert.equal(f.failureClass, 'server');
  });

  it('flags alone (truncatedAfterOutput) are enough, and a failure without a parent takes the response just before it', () => {
    const cutOff = 'req_011CVcutoff00000000002';
    const events = read([
      assistantText('partial', {}, 'claude-sonnet-4-5', cutOff),
      finalFailure('API Error: 500 Internal server error.', {}, { truncatedAfterOutput: true, apiErrorStatus: 500 }),
    ]);
    assert.deepEqual(failures(events)[0].requestIds, [cutOff]);
  });

  it('does not take the request ID of a response in another chain, nor for a failure that is not mid-response', () => {
    const other = 'req_011CVotherchain000001';
    const events = read([
      assistantText('elsewhere', { uuid: 'x1' }, 'claude-sonnet-4-5', other),
      finalFailure('API Error: Server error mid-response.', { parentUuid: 'y9' }),
      assistantText('fine', { uuid: 'x2' }, 'claude-sonnet-4-5', other),
      finalFailure('API Error: 500 Internal server error.', { parentUuid: 'x2' }),
    ]);
    assert.deepEqual(
      failures(events).map((f) => f.requestIds),
      [[], []],
    );
  });

  it('counts an unknown-shaped error line beside a known one: the known one is an event, the unknown one is never dropped', () => {
    const seen: Array<[UnknownShape, string | null]> = [];
    const canary = new FormatCanary({ onNewShape: (shape, version) => seen.push([shape, version]) });
    const events = read(
      [
        unknownShapeFailure({ version: '2.1.250' }),
        finalFailure('API Error: 500 Internal server error.', { version: '2.1.250' }, { apiErrorStatus: 500 }),
        unknownShapeFailure({ version: '2.1.250' }),
        unknownShapeFailure({ version: '2.1.251' }),
      ],
      canary,
    );
    assert.deepEqual(failures(events).map((e) => [e.line, e.status]), [[2, 500]]);
    const snapshot = canary.snapshot();
    assert.equal(snapshot.unknownLines, 3);
    assert.deepEqual(snapshot.unknownByVersion, { '2.1.250': 2, '2.1.251': 1 });
    assert.equal(snapshot.shapes.length, 1, 'one shape, whatever its values');
    assert.deepEqual(snapshot.shapes[0].versions, { '2.1.250': 2, '2.1.251': 1 });
    assert.equal(snapshot.shapes[0].firstSeen.line, 1);
    assert.equal(seen.length, 1, 'logged once per shape');
    assert.equal(seen[0][1], '2.1.250');
    // Keys and JSON types only: no value of the line survives.
    const skeleton = snapshot.shapes[0].skeleton;
    assert.match(skeleton, /failure:\{detail:\{kind:string,reason:string\},httpCode:number\}/);
    assert.match(skeleton, /isApiErrorMessage:boolean/);
    for (const value of ['maintenance', '4417', 'upstream', 'api_failure', '2.1.250', '/home/dev', '503']) assert.ok(!skeleton.includes(value), value);
  });

  it('says once that transcripts come from a Claude Code newer than this release knows', () => {
    const newer: string[] = [];
    const canary = new FormatCanary({ onNewerVersion: (version) => newer.push(version) }, '2.1.240');
    read(
      [
        assistantText('ok', { version: '2.1.239' }),
        finalFailure('API Error: 500 Internal server error.', { version: '2.1.241' }),
        finalFailure('API Error: 500 Internal server error.', { version: '2.1.300' }),
      ],
      canary,
    );
    assert.deepEqual(newer, ['2.1.241']);
    assert.deepEqual(canary.snapshot().newerThanKnown, ['2.1.300', '2.1.241']);
    assert.deepEqual(canary.snapshot().newestVersionsSeen, ['2.1.300', '2.1.241', '2.1.239']);
  });
});

describe('TranscriptEventReader context (seeded property)', () => {
  /**
   * The reference: every line parsed in order; a thread's newest success since its last event is
   * taken when the next event comes, or at a batch end while a failure awaits recovery.
   */
  function reference(file: string, lines: string[], batchEnds: Set<number>): ApiEvent[] {
    type Pending = { record: Extract<ReturnType<typeof parseTranscriptLine>, { kind: 'success' }>; line: number } | null;
    const events: ApiEvent[] = [];
    const threads = new Map<boolean, { pending: Pending; awaiting: boolean; model: string | null; version: string | null; last: ApiFailureEvent['lastResponse']; lastEventLine: number; retries: { line: number; ids: string[] }[] }>();
    const thread = (side: boolean) => {
      if (!threads.has(side)) threads.set(side, { pending: null, awaiting: false, model: null, version: null, last: null, lastEventLine: 0, retries: [] });
      return threads.get(side)!;
    };
    const pendings = new Map<boolean, Pending>();
    const apply = (side: boolean) => {
      const t = thread(side);
      const p = pendings.get(side);
      if (!p) return;
      pendings.set(side, null);
      t.model = p.record.model;
      t.version = p.record.envelope.version ?? t.version;
      t.last = { uuid: p.record.envelope.uuid, requestId: p.record.requestId, line: p.line };
      t.retries = [];
      t.awaiting = false;
      const { uuid, sessionId, timestamp, version, cwd } = p.record.envelope;
      events.push({ kind: 'success', file, line: p.line, uuid, sessionId, timestamp, version, cwd, model: p.record.model, requestId: p.record.requestId });
    };
    lines.forEach((text, index) => {
      const lineNumber = index + 1;
      const record = parseTranscriptLine(text);
      if (record?.kind === 'success') pendings.set(record.envelope.isSidechain, { record, line: lineNumber });
      else if (record?.kind === 'interrupt') {
        const side = record.envelope.isSidechain;
        apply(side);
        thread(side).retries = [];
        const { uuid, sessionId, timestamp, version, cwd } = record.envelope;
        events.push({ kind: 'interrupt', file, line: lineNumber, uuid, sessionId, timestamp, version, cwd });
      } else if (record && record.kind !== 'refusal') {
        const side = record.envelope.isSidechain;
        apply(side);
        const t = thread(side);
        let ids = record.requestIds;
        // A mid-response failure also names the response it cut off, when that came after the previous event.
        const cutOff = record.midResponse && t.last?.requestId && t.last.line > t.lastEventLine ? [t.last.requestId] : [];
        t.lastEventLine = lineNumber;
        if (record.kind === 'retry') {
          ids = [...new Set([...ids, ...cutOff])];
          if (ids.length > 0) t.retries.push({ line: lineNumber, ids });
        } else {
          ids = [...new Set([...ids, ...cutOff, ...t.retries.flatMap((r) => r.ids).reverse()])];
          t.retries = [];
        }
        const { uuid, sessionId, timestamp, version, cwd, entrypoint, isSidechain } = record.envelope;
        events.push({
          kind: record.kind, file, line: lineNumber, uuid, sessionId, timestamp, version, cwd, entrypoint, isSidechain,
          status: record.status, failureClass: record.failureClass, errorType: record.errorType, requestIds: ids, requestId: ids[0] ?? null,
          networkCode: record.networkCode, message: record.message, model: t.model,
          attempt: record.kind === 'retry' ? record.attempt : null, maxRetries: record.kind === 'retry' ? record.maxRetries : null,
          retryInMs: record.kind === 'retry' ? record.retryInMs : null, lastSuccessVersion: t.version, lastResponse: t.last,
          statusSource: record.statusSource, impliedStatus: record.impliedStatus, limitWindow: record.limitWindow, resetsAt: record.resetsAt,
          transient: record.transient, midResponse: record.midResponse, wording: record.wording,
        });
        t.awaiting = true;
      }
      if (batchEnds.has(lineNumber)) for (const [side, t] of threads) if (t.awaiting) apply(side);
    });
    return events;
  }

  /**
   * A transcript of every kind of line, some of them long (past the read chunk, past the kept
   * copies); `noErrorMarks`: with lines that hold the failure marker as a key saying `false`.
   */
  function seededTranscript(seed: number, random: () => number, noErrorMarks = false): string[] {
    const pick = <T,>(items: T[]) => items[Math.floor(random() * items.length)];
    const lines: string[] = [];
    const count = 20 + Math.floor(random() * 120);
    for (let i = 0; i < count; i++) {
      const e = { isSidechain: random() < 0.25, version: pick(['2.1.100', '2.1.120', '2.1.200']), uuid: `u-${seed}-${i}` };
      const r = random();
      const id = `req_${seed}x${i}abcdef`;
      if (r < 0.3) {
        const response = assistantText(random() < 0.05 ? 'z'.repeat(300_000) : 'ok', e, pick(['claude-opus-4-1', 'claude-haiku-4-5', 'claude-sonnet-4-5']), id);
        // A build that writes `isApiErrorMessage:false` on every response: marked, and no event.
        lines.push(noErrorMarks && random() < 0.3 ? response.replace(/\}$/, ',"isApiErrorMessage":false}') : response);
      } else if (r < 0.45) lines.push(userPrompt('hi', e));
      else if (noErrorMarks && r < 0.5 && random() < 0.5) {
        // A subagent's progress, nesting its response with the marker as a key.
        const nested = { ...JSON.parse(assistantText('nested', { isSidechain: true }, 'claude-haiku-4-5', `req_n${seed}x${i}abcdef`)), isApiErrorMessage: false };
        lines.push(JSON.stringify({ parentUuid: null, isSidechain: e.isSidechain, uuid: e.uuid, type: 'progress', data: { type: 'agent_progress', message: nested } }));
      } else if (r < 0.55) lines.push(toolResult(random() < 0.1 ? 'y'.repeat(1_200_000) : 'done', e));
      else if (r < 0.59) lines.push(syntheticNotFailure('No response requested.', e));
      else if (r < 0.62) lines.push(random() < 0.5 ? userInterrupt(e) : finalFailure('API Error: Request was aborted.', e));
      else if (r < 0.8) lines.push(retryFlat({ status: 529, message: 'Overloaded', requestId: random() < 0.7 ? id : undefined }, 1 + (i % 5), e));
      else lines.push(finalFailure(pick(['API Error: 500 Internal server error.', 'API Error: Server error mid-response. The response above may be incomplete.']), e));
    }
    return lines;
  }

  it('gives every event the context a full parse of every line gives, whatever the batches', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const lines = seededTranscript(seed, random);
      const count = lines.length;
      const batchEnds = new Set<number>([count]);
      for (let i = 1; i < count; i++) if (random() < 0.15) batchEnds.add(i);

      const file = path.join(dir, `prop-${seed}.jsonl`);
      fs.writeFileSync(file, '');
      const events: ApiEvent[] = [];
      const reader = new TranscriptEventReader((e) => events.push(e));
      let position = { endOffset: 0, nextLineNumber: 1 };
      let written = 0;
      for (const end of [...batchEnds].sort((a, b) => a - b)) {
        fs.appendFileSync(file, lines.slice(written, end).map((l) => l + '\n').join(''));
        written = end;
        position = readCompleteLinesSync(file, position.endOffset, position.nextLineNumber, (line, n, offset) => reader.acceptLine(file, line, n, offset));
        reader.flush(file, position.endOffset, position.nextLineNumber);
      }
      const expected = reference(file, lines, batchEnds);
      const brief = (list: ApiEvent[]) =>
        list.map((e) => (e.kind === 'interrupt' ? `interrupt@${e.line}` : `${e.kind}@${e.line}:${e.model}:${e.kind === 'success' ? e.requestId : JSON.stringify([e.requestIds, e.lastResponse?.line])}`));
      assert.deepEqual(brief(events), brief(expected), `seed ${seed}`);
      assert.deepEqual(events, expected, `seed ${seed}`);
    }
  });

  it('gives the same failures, retries and interrupts from marked lines only, as a full scan reads', () => {
    for (let seed = 101; seed <= 140; seed++) {
      const lines = seededTranscript(seed, prng(seed), true);
      const file = path.join(dir, `marked-${seed}.jsonl`);
      fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));
      const events: ApiEvent[] = [];
      const reader = new TranscriptEventReader((e) => events.push(e), undefined, undefined, { onlyMarkedLines: true });
      let delivered = 0;
      readCompleteLinesSync(
        file,
        0,
        1,
        (line, n, offset, before) => {
          delivered++;
          reader.acceptLine(file, line, n, offset, before);
        },
        { markers: EVENT_LINE_MARKERS },
      );
      // Successes are the tracker's business: a scan keeps the rest, whose context must be whole.
      const expected = reference(file, lines, new Set()).filter((e) => e.kind !== 'success');
      assert.deepEqual(events.filter((e) => e.kind !== 'success'), expected, `seed ${seed}`);
      assert.ok(delivered < lines.length, `seed ${seed}: every line was handed over`);
    }
  });

  it('with only marked lines, still parses a line whose isApiErrorMessage says false when it holds another error key or an interrupt', () => {
    const file = path.join(dir, 'says-false.jsonl');
    const lines = [
      // No record (a synthetic message), but an error key: an unknown shape, for the canary.
      JSON.stringify({ type: 'assistant', uuid: 'odd', isApiErrorMessage: false, apiErrorStatus: 529, message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'odd' }] } }),
      // The user's interrupt, on a line long enough that its own marker is not looked for.
      JSON.stringify({ type: 'user', uuid: 'stop', isApiErrorMessage: false, padding: 'p'.repeat(10_000), message: { role: 'user', content: '[Request interrupted by user]' } }),
      // Nothing: a response that says it is no error.
      JSON.stringify({ type: 'assistant', uuid: 'fine', isApiErrorMessage: false, requestId: 'req_fine0001', message: { model: 'claude-opus-4-1', role: 'assistant', content: [{ type: 'text', text: 'ok' }] } }),
    ];
    fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));
    const canary = new FormatCanary();
    const events: ApiEvent[] = [];
    const reader = new TranscriptEventReader((e) => events.push(e), undefined, canary, { onlyMarkedLines: true });
    readCompleteLinesSync(file, 0, 1, (line, n, offset, before) => reader.acceptLine(file, line, n, offset, before), { markers: EVENT_LINE_MARKERS });
    assert.equal(canary.snapshot().unknownLines, 1);
    assert.deepEqual(events.map((e) => [e.kind, e.uuid]), [['interrupt', 'stop']]);
  });

  it('finds context before the first line it was given (a watcher that starts mid-file)', () => {
    const file = path.join(dir, 'midfile.jsonl');
    const head = [assistantText('old', {}, 'claude-opus-4-1', 'req_head0000001'), userPrompt('x')];
    const tail = [userPrompt('y'), finalFailure('API Error: 500 Internal server error.')];
    fs.writeFileSync(file, [...head, ...tail].map((l) => l + '\n').join(''));
    const start = Buffer.byteLength(head.map((l) => l + '\n').join(''));
    const events: ApiEvent[] = [];
    const reader = new TranscriptEventReader((e) => events.push(e));
    readCompleteLinesSync(file, start, head.length + 1, (line, n, offset) => reader.acceptLine(file, line, n, offset));
    const failure = failures(events)[0];
    assert.equal(failure.model, 'claude-opus-4-1');
    assert.deepEqual(failure.lastResponse, { uuid: failure.lastResponse?.uuid, requestId: 'req_head0000001', line: 1 });
    assert.deepEqual(events.map((e) => [e.kind, e.line]), [['success', 1], ['failure', 4]]);
  });
});

describe('conversationRole (the pre-filter that spares whole-line searches)', () => {
  const line = (text: string) => Buffer.from(text);

  it("reads the message's own role from the line's start", () => {
    assert.equal(conversationRole(line(userPrompt('hello'))), 'user');
    assert.equal(conversationRole(line(toolResult('x'.repeat(200_000)))), 'user');
    assert.equal(conversationRole(line(userInterrupt())), 'user');
    assert.equal(conversationRole(line(assistantText('hi'))), 'assistant');
    // A final failure is the assistant's (synthetic) message: its marker is searched whatever the role.
    assert.equal(conversationRole(line(finalFailure('API Error: 500 Internal server error'))), 'assistant');
  });

  it('never calls a retry (a system record) a message, so the retry marker is always searched there', () => {
    for (const retry of [
      retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_011CVretry1', 1),
      retryNetworkCause('ECONNRESET', 2),
      retryNetworkCause('ECONNRESET', 2, {}, true),
      retryFlat({ status: 500, message: 'Internal server error', requestId: 'req_011CVflat' }, 3),
    ]) {
      assert.equal(conversationRole(line(retry)), null, retry);
    }
  });

  it('says nothing when the role is not plainly the message\'s own, or lies past the window', () => {
    // Quoted in a prompt: the quotes are escaped, so it is the prompt's role that is read.
    assert.equal(conversationRole(line(userPrompt('{"message":{"role":"assistant"}}'))), 'user');
    // A role inside an object nested in the message, before the message's own role.
    assert.equal(conversationRole(line(JSON.stringify({ type: 'assistant', message: { meta: { role: 'user' }, role: 'assistant' } }))), null);
    // A role outside any message.
    assert.equal(conversationRole(line(JSON.stringify({ type: 'system', subtype: 'api_error', role: 'user' }))), null);
    // Past the first 8 KB (a huge working directory): unknown, so every search runs.
    assert.equal(conversationRole(line(userPrompt('hi', { cwd: '/' + 'd'.repeat(9000) }))), null);
    assert.equal(conversationRole(line(JSON.stringify({ type: 'assistant', message: { role: 'system' } }))), null);
  });

  it('changes no event: the reader finds the same failures, retries and recoveries with or without it', () => {
    const lines = [
      userPrompt('go'),
      assistantText('working'),
      retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_011CVretryA', 1),
      retryNetworkCause('ECONNRESET', 2),
      toolResult('API Error: 500 {"type":"api_error"} quoted in a tool result'),
      finalFailure('API Error: 500 Internal server error'),
      userPrompt('again', { cwd: '/' + 'd'.repeat(9000) }),
      assistantText('recovered', { cwd: '/' + 'd'.repeat(9000) }),
    ];
    const events = read(lines);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['success', 'retry', 'retry', 'failure', 'success'],
    );
  });
});
