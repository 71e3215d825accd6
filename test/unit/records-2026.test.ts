// What Claude Code 2.1.14x–2.1.27x writes (public issues and transcripts, 2026): every class read
// right, across generated variants of each shape (versions, categories, prefixes, request IDs), with
// decoys that quote the same words without being failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUnknownErrorShape, parseTranscriptLine } from '../../src/core/records';
import type { FailureRecord, RefusalRecord, RetryRecord, TranscriptRecord } from '../../src/core/types';
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
} from '../fixtures/transcripts';

const VERSIONS = ['2.1.143', '2.1.186', '2.1.220', '2.1.244', '2.1.245', '2.1.267', '2.1.278'];

function parsed(line: string): TranscriptRecord {
  const record = parseTranscriptLine(line);
  assert.ok(record, `no record for ${line.slice(0, 200)}`);
  assert.equal(isUnknownErrorShape(JSON.parse(line), record), false, 'read, not an unknown shape');
  return record;
}

function failure(line: string): FailureRecord {
  const record = parsed(line);
  assert.equal(record.kind, 'failure', line.slice(0, 300));
  return record as FailureRecord;
}

function refusal(line: string): RefusalRecord {
  const record = parsed(line);
  assert.equal(record.kind, 'refusal', line.slice(0, 300));
  return record as RefusalRecord;
}

/** Every combination of the given lists. */
function* combinations<T extends unknown[][]>(...lists: T): Generator<{ [K in keyof T]: T[K][number] }> {
  if (lists.length === 0) {
    yield [] as never;
    return;
  }
  const [first, ...rest] = lists;
  for (const head of first) for (const tail of combinations(...rest)) yield [head, ...tail] as never;
}

describe('category `unknown` is no category', () => {
  const wordings: [string, string, number | null][] = [
    ['API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.', 'server', 500],
    ['API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary.', 'overloaded', 529],
    ['API Error: Request rejected (429) · this may be a temporary capacity issue.', 'rate_limit', 429],
    ['API Error: Unable to connect to API (ECONNRESET)', 'network', null],
    ["API Error: Can't reach the API server — check your internet or DNS (ENOTFOUND)", 'network', null],
    ['Please run /login · API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired."}}', 'auth', 401],
    ['Request timed out', 'network', null],
  ];
  for (const [[text, expected, status], version] of combinations(wordings, VERSIONS)) {
    it(`${expected}: ${text.slice(0, 40)}… (${version}, "error": "unknown")`, () => {
      const record = failure(finalFailure(text, { version }, { error: 'unknown', apiErrorStatus: null }));
      assert.equal(record.failureClass, expected);
      assert.equal(record.status, status);
      assert.notEqual(record.errorType, 'unknown', 'no category is no error type either');
    });
  }

  it('the words decide, not a status the category would imply', () => {
    const record = failure(finalFailure('API Error: Something went sideways', {}, { error: 'unknown' }));
    assert.equal(record.failureClass, 'unknown');
    assert.equal(record.impliedStatus, null);
  });
});

describe('connections lost during the answer are network failures', () => {
  const texts: [string, boolean, RegExp][] = [
    ['API Error: Connection closed mid-response. The response above may be incomplete.', true, /may be incomplete/],
    ['API Error: Stream idle timeout - partial response received', true, /may be incomplete/],
    ['API Error: Stream idle timeout - no chunks received', false, /proxy/],
    ['API Error: API returned an empty or malformed response (HTTP 200) — check for a proxy or gateway intercepting the request', false, /proxy or gateway/],
  ];
  // Claude Code files them under `server_error`, `unknown` or nothing, by build.
  const categories = [undefined, 'unknown', 'server_error'];
  for (const [[text, cutOff, says], category, version] of combinations(texts, categories, VERSIONS)) {
    it(`${text.slice(11, 50)}… (${version}, ${category ?? 'no category'})`, () => {
      const record = failure(finalFailure(text, { version }, { ...(category ? { error: category } : {}), apiErrorStatus: null, requestId: 'req_011CcLost0000001' }));
      assert.equal(record.failureClass, 'network');
      assert.equal(record.status, null);
      assert.equal(record.midResponse, cutOff);
      assert.match(record.message, says);
      assert.deepEqual(record.requestIds, ['req_011CcLost0000001']);
    });
  }

  it('keeps the cut-off flag a line sets, whatever the words', () => {
    const record = failure(finalFailure('API Error: Stream idle timeout - no chunks received', {}, { truncatedAfterOutput: true }));
    assert.equal(record.midResponse, true);
    assert.equal(record.failureClass, 'network');
  });

  it('a retry that says so is one too', () => {
    const record = parsed(retryFlat({ status: null, message: 'Stream idle timeout - partial response received' }, 3, {})) as RetryRecord;
    assert.equal(record.kind, 'retry');
    assert.equal(record.failureClass, 'network');
  });

  it("Claude Code's own timeout and undici's `terminated`, whatever the category", () => {
    for (const category of [undefined, 'unknown', 'server_error']) {
      const extra = category ? { error: category } : {};
      assert.equal(failure(finalFailure('Request timed out', {}, extra)).failureClass, 'network');
      assert.equal(failure(finalFailure('API Error: Request timed out.', {}, extra)).failureClass, 'network');
      const cut = failure(finalFailure('API Error: terminated', {}, extra));
      assert.equal(cut.failureClass, 'network');
      assert.match(cut.message, /may be incomplete/);
    }
    // With a status, the status decides.
    assert.equal(failure(finalFailure('API Error: 500 terminated', {}, { error: 'server_error' })).failureClass, 'server');
  });

  it('a server error mid-response stays a server error', () => {
    const record = failure(finalFailure('API Error: Server error mid-response. The response above may be incomplete.', {}, { error: 'server_error' }));
    assert.equal(record.failureClass, 'server');
    assert.equal(record.midResponse, true);
  });
});

describe('refusals are not failures', () => {
  const models = ['Fable 5', 'Opus 4.8', 'Opus 5 (1M context)', 'Sonnet 5', 'Fable 5.1'];
  const wordings = (model: string) => [
    `API Error: ${model}'s safeguards flagged this message (https://www.anthropic.com/legal/aup). This sometimes happens with safe, normal conversations. Claude Code can't respond to this message with ${model}.\n\nDouble press esc to edit your last message, or try a different model with /model.\n\nSend feedback with /feedback or learn more: https://support.claude.com/en/articles/15363606`,
    `API Error: ${model}'s safeguards flagged this message. Our intentionally broad safeguards allow us to deliver more capabilities faster, but can sometimes flag legitimate cybersecurity work. Apply to the Cyber Verification Program to reduce these interruptions.`,
    `API Error: ${model} has safety measures that flagged this message for a cybersecurity topic.`,
    `API Error: ${model} can't help with this. Start a new session to continue.\n\nLearn more: https://www.anthropic.com/legal/aup`,
    'API Error: Claude Code is unable to respond to this request, which appears to violate our Usage Policy (https://www.anthropic.com/legal/aup). Please double press esc to edit your last message or start a new session for Claude Code to assist with a different task.',
  ];
  let n = 0;
  for (const [model, version, withId] of combinations(models, ['2.1.149', '2.1.198', '2.1.226', '2.1.261', '2.1.278'], [true, false])) {
    for (const text of wordings(model)) {
      const id = `req_011CdRefusal${String(n++).padStart(6, '0')}`;
      it(`${text.slice(11, 60)}… (${version}${withId ? ', Request ID in the text' : ''})`, () => {
        const line = refusalFailure(withId ? `${text}\n\nRequest ID: ${id}` : text, { version }, { requestId: id, category: 'cyber' });
        const record = refusal(line);
        assert.equal(record.status, null, 'the API answered: no HTTP status to show');
        assert.equal(record.impliedStatus, null);
        assert.equal(record.failureClass, 'client');
        assert.deepEqual(record.requestIds, [id]);
        assert.equal(record.refusalCategory, 'cyber');
      });
    }
  }

  it('the 1.0.x wording without any stop field', () => {
    const record = refusal(
      finalFailure(
        'API Error: Claude Code is unable to respond to this request, which appears to violate our Usage Policy (https://www.anthropic.com/legal/aup). Please double press esc to edit your last message or start a new session for Claude Code to assist with a different task.',
        { version: '1.0.43' },
      ),
    );
    assert.equal(record.refusalCategory, null);
    assert.deepEqual(record.requestIds, []);
  });

  it('a line with stop_reason "refusal" whatever its words', () => {
    const record = refusal(refusalFailure('API Error: something new about declining', {}, { requestId: 'req_011CdNewWords0001', category: 'bio' }));
    assert.equal(record.refusalCategory, 'bio');
  });

  it('a real answer that stopped in a refusal, and Claude Code\'s refusal notes', () => {
    const answer = refusal(modelRefusal('', {}, 'claude-fable-5', 'req_011CfRefusedModel01'));
    assert.equal(answer.wording, null);
    assert.deepEqual(answer.requestIds, ['req_011CfRefusedModel01']);
    for (const subtype of ['model_refusal_fallback', 'model_refusal_no_fallback'] as const) {
      const note = refusal(refusalNotice(subtype, { sessionId: 's1' }, 'req_011CfRefusedNotice1'));
      assert.deepEqual(note.requestIds, ['req_011CfRefusedNotice1']);
      assert.equal(note.refusalCategory, 'cyber');
      assert.equal(note.envelope.sessionId, 's1');
    }
  });

  it('decoys: prompts, tool results and prose quoting a refusal are nothing', () => {
    const words = "API Error: Fable 5's safeguards flagged this message (https://www.anthropic.com/legal/aup). Request ID: req_011CdDecoy00000001";
    const policy = 'API Error: Claude Code is unable to respond to this request, which appears to violate our Usage Policy';
    for (const line of [
      userPrompt(`why did I get "${words}"?`),
      toolResult(`grep output:\n${words}\n${policy}\n"stop_reason":"refusal"`),
      toolResult('{"stop_reason":"refusal","stop_details":{"type":"refusal"}}', {}, { stdout: '"subtype":"model_refusal_fallback"' }),
      assistantText(`The log says: ${words}. Also "stop_reason":"refusal" and model_refusal_fallback.`),
    ]) {
      const record = parseTranscriptLine(line);
      assert.ok(record === null || record.kind === 'success', line.slice(0, 120));
    }
  });
});

describe('categories of 2.1.27x', () => {
  const cases: [string, string, string][] = [
    ['account_on_hold', 'auth', 'Your account has been placed on hold. Visit https://claude.ai/settings to resolve.'],
    ['verification_required', 'auth', 'Verify your account to continue using Claude Code.'],
    ['cloud_credential_error', 'auth', 'Could not load credentials from any providers · run `aws sso login` and retry'],
    ['dlp_request_denied', 'client', "API Error: The request was blocked by your organization's data policy."],
  ];
  for (const [[category, expected, text], version] of combinations(cases, ['2.1.270', '2.1.275', '2.1.278'])) {
    it(`${category} is ${expected} (${version})`, () => {
      const record = failure(finalFailure(text, { version }, { error: category, apiErrorStatus: null }));
      assert.equal(record.failureClass, expected);
      assert.equal(record.errorType, category);
      assert.equal(record.status, null);
    });
  }

  it('a category no release knows keeps its name, lets the words decide, and stays visible to the canary', () => {
    const line = finalFailure('API Error: Something new', {}, { error: 'brand_new_category' });
    const record = parseTranscriptLine(line) as FailureRecord;
    assert.equal(record.errorType, 'brand_new_category');
    assert.equal(record.failureClass, 'unknown');
    assert.equal(isUnknownErrorShape(JSON.parse(line), record), true, 'counted by the format canary');
    // Words that tell the class make it readable, whatever the category.
    const worded = finalFailure('API Error: 503 Service unavailable', {}, { error: 'brand_new_category' });
    assert.equal(isUnknownErrorShape(JSON.parse(worded), parseTranscriptLine(worded)), false);
  });
});

describe('limit windows from the wording', () => {
  const cases: [string, string | null, boolean][] = [
    ["You've hit your session limit · resets 5:40pm (Europe/Madrid)", '5-hour', true],
    ["You've hit your session limit · resets 11pm", '5-hour', true],
    ["You've hit your weekly limit · resets Mon 9am (America/New_York)", '7-day', true],
    ["You've hit your weekly Opus limit · resets Oct 3, 9am", '7-day Opus', true],
    ["You've hit your monthly spend limit. /model to switch models.", 'monthly spend', false],
    ["You've hit your org's monthly usage limit · ask your admin", 'monthly spend', false],
    ["You've reached your Fable 5 limit · /usage-credits or /model", 'Fable 5 credits', false],
    ["You've reached your Opus 4.8 limit. Run /usage-credits to continue or switch models with /model.", 'Opus 4.8 credits', false],
    ["You're out of usage credits. /model to switch models.", 'usage credits', false],
  ];
  for (const [[text, window, saysReset], category] of combinations(cases, ['rate_limit', 'unknown', undefined])) {
    it(`${text.slice(0, 50)} (${category ?? 'no category'})`, () => {
      const record = failure(finalFailure(text, { version: '2.1.260' }, category ? { error: category } : {}));
      assert.equal(record.failureClass, 'rate_limit');
      assert.equal(record.limitWindow, window);
      assert.equal(record.resetsAt, null);
      assert.equal(/resets/.test(record.wording ?? record.message), saysReset);
    });
  }

  it('quotaLimits wins over the words, and a credit cap never promises a reset', () => {
    const resetsAt = Date.parse('2026-09-01T17:40:00Z') / 1000;
    const withQuota = failure(
      finalFailure("You've hit your session limit · resets 5:40pm", {}, { error: 'rate_limit', quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'seven_day' } }),
    );
    assert.equal(withQuota.limitWindow, '7-day');
    assert.equal(withQuota.resetsAt, '2026-09-01T17:40:00.000Z');
    const cap = failure(
      finalFailure("You've reached your Fable 5 limit · /usage-credits or /model", {}, { error: 'rate_limit', quotaLimits: { status: 'rejected', resetsAt, rateLimitType: '' } }),
    );
    assert.equal(cap.resetsAt, null);
  });

  it('a server error that mentions a session is no plan limit', () => {
    const record = failure(finalFailure('API Error: 500 Internal server error. This is a server-side issue, usually temporary.', {}, { error: 'server_error' }));
    assert.equal(record.limitWindow, null);
  });
});

describe('retry shapes', () => {
  it('watchdog mode: attempt 57 of 300', () => {
    for (const attempt of [1, 16, 57, 299, 300]) {
      const record = parsed(retryFlat({ status: 529, message: 'Overloaded' }, attempt, { version: '2.1.250' }, 300, 30_000)) as RetryRecord;
      assert.equal(record.attempt, attempt);
      assert.equal(record.maxRetries, 300);
      assert.equal(record.failureClass, 'overloaded');
    }
  });

  for (const status of [502, 503, 520, 522, 524]) {
    it(`a ${status} whose body is a Cloudflare HTML page reads in words, never as HTML`, () => {
      const retry = parsed(retryHtml(status, 2, {})) as RetryRecord;
      assert.equal(retry.status, status);
      assert.equal(retry.failureClass, 'server');
      assert.doesNotMatch(retry.message, /</);
      assert.equal(retry.wording, null);
      const final = failure(finalFailure(`API Error: ${status} ${cloudflarePage(status)}`, {}, { error: 'server_error' }));
      assert.equal(final.status, status);
      assert.doesNotMatch(final.message, /</);
      assert.equal(final.wording, null);
      if (status === 502) assert.equal(final.message, '502 Bad Gateway');
    });
  }

  it('2.1.143: the SDK error with error.type at the top and requestID null', () => {
    const cases: [number, string, string, string][] = [
      [529, 'overloaded_error', 'Overloaded', 'overloaded'],
      [500, 'api_error', 'Internal server error', 'server'],
      [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', 'rate_limit'],
    ];
    for (const [status, type, message, expected] of cases) {
      const record = parsed(retrySdk143(status, type, message, 4, { version: '2.1.143' })) as RetryRecord;
      assert.equal(record.status, status);
      assert.equal(record.errorType, type);
      assert.equal(record.failureClass, expected);
      assert.deepEqual(record.requestIds, []);
      assert.match(record.message, new RegExp(message.slice(0, 12)));
    }
  });
});

describe('2.1.278 envelope fields', () => {
  it('sessionKind, promptId and perTurnEffort change nothing', () => {
    const line = JSON.parse(finalFailure('API Error: 500 Internal server error.', { version: '2.1.278' }, { error: 'server_error', requestId: 'req_011CfEnvelope0001' })) as Record<string, unknown>;
    Object.assign(line, { sessionKind: 'bg', promptId: 'p-1', perTurnEffort: 'high' });
    const record = failure(JSON.stringify(line));
    assert.equal(record.failureClass, 'server');
    assert.deepEqual(record.requestIds, ['req_011CfEnvelope0001']);
  });
});
