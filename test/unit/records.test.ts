import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUnknownErrorShape, parseTranscriptLine, parseTranscriptRecord } from '../../src/core/records';
import type { FailureRecord, RetryRecord } from '../../src/core/types';
import {
  assistantText,
  finalFailure,
  retryFlat,
  retryNetworkCause,
  retrySdkError,
  syntheticNotFailure,
  toolResult,
  unfamiliarRecord,
  unknownShapeFailure,
  userInterrupt,
  userPrompt,
} from '../fixtures/transcripts';

function failure(line: string): FailureRecord {
  const record = parseTranscriptLine(line);
  assert.equal(record?.kind, 'failure', `expected a failure from ${line.slice(0, 200)}`);
  return record as FailureRecord;
}

function retry(line: string): RetryRecord {
  const record = parseTranscriptLine(line);
  assert.equal(record?.kind, 'retry');
  return record as RetryRecord;
}

const REQ = 'req_011CVqX8uU5dJk2Yp3a7bC9d';

describe('final failures, by era', () => {
  it('0.2.x: JSON body only, status from the error type', () => {
    const r = failure(finalFailure('API Error: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', { version: '0.2.125' }));
    assert.equal(r.status, 529);
    assert.equal(r.failureClass, 'overloaded');
    assert.equal(r.errorType, 'overloaded_error');
    assert.deepEqual(r.requestIds, []);
    assert.equal(r.message, '529 Overloaded');
    assert.equal(r.envelope.version, '0.2.125');
  });

  it('1.0.x–2.1.107: status and raw body with request_id', () => {
    const r = failure(
      finalFailure(`API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${REQ}"}`, { version: '1.0.88' }),
    );
    assert.equal(r.status, 500);
    assert.equal(r.failureClass, 'server');
    assert.equal(r.errorType, 'api_error');
    assert.deepEqual(r.requestIds, [REQ]);
    assert.equal(r.message, '500 Internal server error');
  });

  it('raw body with a null request_id', () => {
    const r = failure(finalFailure('API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":null}'));
    assert.equal(r.status, 529);
    assert.deepEqual(r.requestIds, []);
  });

  it('401 with the login hint appended', () => {
    const r = failure(
      finalFailure(
        `API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."},"request_id":"${REQ}"} · Please run /login`,
      ),
    );
    assert.equal(r.status, 401);
    assert.equal(r.failureClass, 'auth');
    assert.equal(r.message, '401 OAuth token has expired');
    assert.deepEqual(r.requestIds, [REQ]);
  });

  it('2.1.108+: human wording with apiErrorStatus, category and requestId fields', () => {
    const r = failure(
      finalFailure(
        'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check https://status.claude.com.',
        { version: '2.1.120' },
        { error: 'server_error', apiErrorStatus: 500, requestId: REQ },
      ),
    );
    assert.equal(r.status, 500);
    assert.equal(r.failureClass, 'server');
    assert.equal(r.message, '500 Internal server error');
    assert.deepEqual(r.requestIds, [REQ]);
  });

  it('2.1.108+: human wording without any field: status from the text', () => {
    const r = failure(finalFailure('API Error: 502 Bad gateway. This is a server-side issue, usually temporary — try again in a moment.'));
    assert.equal(r.status, 502);
    assert.equal(r.failureClass, 'server');
  });

  it('repeated 529s', () => {
    const r = failure(finalFailure('API Error: Repeated 529 Overloaded errors. The API is under heavy load — try again in a moment.'));
    assert.equal(r.status, 529);
    assert.equal(r.failureClass, 'overloaded');
    assert.equal(r.message, 'Repeated 529 Overloaded errors');
  });

  it('request rejected (429)', () => {
    const r = failure(finalFailure('API Error: Request rejected (429) · This request would exceed your rate limit.'));
    assert.equal(r.status, 429);
    assert.equal(r.failureClass, 'rate_limit');
  });

  it('server error mid-response has no status but is a server failure', () => {
    const r = failure(finalFailure('API Error: Server error mid-response. The response above may be incomplete.'));
    assert.equal(r.status, null);
    assert.equal(r.failureClass, 'server');
    assert.equal(r.message, 'Server error mid-response');
  });

  it('network: unable to connect, cannot reach (DNS), timeout', () => {
    const reset = failure(finalFailure('API Error: Unable to connect to API (ECONNRESET)'));
    assert.equal(reset.failureClass, 'network');
    assert.equal(reset.networkCode, 'ECONNRESET');
    assert.equal(reset.status, null);
    assert.equal(reset.message, 'Unable to connect to API (ECONNRESET)');

    const dns = failure(finalFailure("API Error: Can't reach the API server — check your internet or DNS (ENOTFOUND)", {}, { error: 'unknown' }));
    assert.equal(dns.failureClass, 'network');
    assert.equal(dns.networkCode, 'ENOTFOUND');

    const timeout = failure(finalFailure('Request timed out'));
    assert.equal(timeout.failureClass, 'network');
    assert.equal(timeout.status, null);
  });

  it('plan limits are rate limits', () => {
    const r = failure(finalFailure("You've hit your session limit · resets 5:40pm", {}, { error: 'rate_limit' }));
    assert.equal(r.failureClass, 'rate_limit');
    // The API's 429 is implied by the category, not carried by the line: never shown as HTTP.
    assert.equal(r.status, null);
    assert.equal(r.impliedStatus, 429);
    assert.equal(r.statusSource, 'category');
    const legacy = failure(finalFailure('Claude AI usage limit reached|1767225600'));
    assert.equal(legacy.failureClass, 'rate_limit');
  });

  it('auth wording', () => {
    for (const text of ['Not logged in · Please run /login', 'Invalid API key · Fix external API key', 'OAuth token has expired · Please run /login']) {
      assert.equal(failure(finalFailure(text)).failureClass, 'auth', text);
    }
    const byCategory = failure(finalFailure('Your organization does not allow this', {}, { error: 'oauth_org_not_allowed', apiErrorStatus: null }));
    assert.equal(byCategory.status, null);
    assert.equal(byCategory.impliedStatus, 403);
    assert.equal(byCategory.statusSource, 'category');
    assert.equal(byCategory.failureClass, 'auth');
  });

  it('a gateway named in the last sentence does not change the status', () => {
    const r = failure(finalFailure('API Error: 503 Service unavailable. Check your inference gateway (llm-gw.corp.example:8443).'));
    assert.equal(r.status, 503);
    assert.equal(r.failureClass, 'server');
  });

  it('the parenthesised form: API Error (500 ...)', () => {
    const r = failure(finalFailure('API Error (500 Internal server error)'));
    assert.equal(r.status, 500);
    assert.equal(r.message, '500 Internal server error');
  });

  it('other 4xx are client errors', () => {
    const r = failure(finalFailure('API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}'));
    assert.equal(r.failureClass, 'client');
    assert.equal(r.status, 400);
  });
});

describe('retries, by error shape', () => {
  it('early 2.1.x serialized SDK error', () => {
    const r = retry(retrySdkError(529, 'overloaded_error', 'Overloaded', REQ, 3, { version: '2.1.9' }));
    assert.equal(r.status, 529);
    assert.equal(r.failureClass, 'overloaded');
    assert.equal(r.attempt, 3);
    assert.equal(r.maxRetries, 10);
    assert.equal(r.retryInMs, 1100);
    assert.deepEqual(r.requestIds, [REQ]);
    assert.equal(r.message, '529 Overloaded');
  });

  it('network cause inside error and at top level', () => {
    const inside = retry(retryNetworkCause('ECONNRESET', 1));
    assert.equal(inside.networkCode, 'ECONNRESET');
    assert.equal(inside.failureClass, 'network');
    assert.equal(inside.status, null);
    const top = retry(retryNetworkCause('ETIMEDOUT', 2, {}, true));
    assert.equal(top.networkCode, 'ETIMEDOUT');
    assert.equal(top.failureClass, 'network');
  });

  it('2.1.2xx flattened error, with and without connection', () => {
    const server = retry(retryFlat({ status: 500, message: `500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${REQ}"}`, requestId: REQ }, 2, {}, 15));
    assert.equal(server.status, 500);
    assert.equal(server.errorType, 'api_error');
    assert.equal(server.maxRetries, 15);
    assert.deepEqual(server.requestIds, [REQ]);
    assert.equal(server.message, '500 Internal server error');

    const offline = retry(retryFlat({ status: null, message: 'Connection error.', connectionCode: 'ENOTFOUND' }, 4));
    assert.equal(offline.networkCode, 'ENOTFOUND');
    assert.equal(offline.failureClass, 'network');
    assert.equal(offline.message, 'Connection error (ENOTFOUND)');
  });
});

describe('retries written by other serializers', () => {
  it('an error given as a plain string', () => {
    const line = JSON.parse(retryFlat({ status: null, message: 'x' }, 3)) as Record<string, unknown>;
    line.error = '503 upstream connect error';
    const r = retry(JSON.stringify(line));
    assert.equal(r.status, 503);
    assert.equal(r.failureClass, 'server');
    assert.equal(r.attempt, 3);
  });

  it('JSON with spaces after separators (as Python writes it)', () => {
    const spaced = (compact: string) => compact.replace(/":/g, '": ').replace(/,"/g, ', "');
    const r = retry(spaced(retrySdkError(529, 'overloaded_error', 'Overloaded', REQ, 2)));
    assert.equal(r.status, 529);
    const f = failure(spaced(finalFailure('API Error: 500 Internal server error.', {}, { requestId: REQ })));
    assert.equal(f.status, 500);
  });
});

describe('successes', () => {
  it('a real assistant line is a success with model and request ID', () => {
    const r = parseTranscriptLine(assistantText('Done.', {}, 'claude-opus-4-1', REQ));
    assert.equal(r?.kind, 'success');
    assert.equal(r?.kind === 'success' && r.model, 'claude-opus-4-1');
    assert.equal(r?.kind === 'success' && r.requestId, REQ);
  });
});

describe('never failures', () => {
  const decoys: Array<[string, string]> = [
    ['user aborted', finalFailure('API Error: Request was aborted.')],
    ['operation aborted', finalFailure('Operation aborted')],
    ['interrupted', finalFailure('[Request interrupted by user]')],
    ['no response requested', syntheticNotFailure('No response requested.')],
    ['prompt quoting a 500', userPrompt(`Why do I get API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${REQ}"} ?`)],
    ['tool result quoting a failure line', toolResult(finalFailure('API Error: 529 Overloaded'))],
    ['tool result quoting a retry line', toolResult(retrySdkError(500, 'api_error', 'Internal server error', REQ, 1))],
    ['grep output mentioning isApiErrorMessage', toolResult('src/x.ts:12: if (line.isApiErrorMessage === true && subtype === "api_error")')],
    ['Claude prose about overloaded_error', assistantText('A 529 overloaded_error with "isApiErrorMessage":true means the API is overloaded.')],
    ['structured tool result shaped like an error', toolResult('ok', {}, { type: 'assistant', isApiErrorMessage: true, subtype: 'api_error' })],
    ['a summary line', JSON.stringify({ type: 'summary', summary: 'API Error: 500 debugging', leafUuid: 'x' })],
    ['a system line of another subtype', JSON.stringify({ type: 'system', subtype: 'compact_boundary', content: 'API Error: 500' })],
    ['malformed JSON', '{"type":"assistant","isApiErrorMessage":true,"message":{"model":"<synth'],
    ['not an object', '["API Error: 500"]'],
  ];
  for (const [name, line] of decoys) {
    it(name, () => {
      const record = parseTranscriptLine(line);
      assert.ok(record === null || record.kind === 'success' || record.kind === 'interrupt', `${name} must not be a failure or retry, got ${record?.kind}`);
    });
  }
});

describe('where the status comes from', () => {
  it('a status field of the line is `record`; a number in the text is `text`; the error type is `errorType`', () => {
    assert.equal(failure(finalFailure('API Error: 500 Internal server error.', {}, { apiErrorStatus: 500 })).statusSource, 'record');
    assert.equal(failure(finalFailure('API Error: 502 Bad gateway.')).statusSource, 'text');
    const old = failure(finalFailure('API Error: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'));
    assert.equal(old.statusSource, 'errorType');
    assert.equal(old.status, 529);
  });

  it('an auth failure with no status in the line does not claim a 401', () => {
    for (const text of ['Login expired · Please run /login', 'Not logged in · Please run /login']) {
      const r = failure(finalFailure(text, {}, { error: 'authentication_failed' }));
      assert.equal(r.status, null, text);
      assert.equal(r.impliedStatus, 401, text);
      assert.equal(r.statusSource, 'category', text);
      assert.equal(r.failureClass, 'auth', text);
      assert.doesNotMatch(r.message, /401/, text);
    }
    const bare = failure(finalFailure('Not logged in · Please run /login'));
    assert.equal(bare.status, null);
    assert.equal(bare.impliedStatus, null);
    assert.equal(bare.statusSource, null);
  });

  it('a network code leaves no implied status', () => {
    const r = failure(finalFailure('API Error: Unable to connect to API (ECONNRESET)', {}, { error: 'unknown' }));
    assert.equal(r.impliedStatus, null);
    assert.equal(r.statusSource, null);
  });
});

describe('network codes in both spellings', () => {
  const runtimeCodes = ['FailedToOpenSocket', 'ConnectionRefused', 'ConnectionClosed'];
  it("the runtime's CamelCase codes at the end of a final failure's text", () => {
    for (const code of runtimeCodes) {
      const r = failure(finalFailure(`API Error: Unable to connect to API (${code})`, {}, { error: 'unknown' }));
      assert.equal(r.failureClass, 'network', code);
      assert.equal(r.networkCode, code);
      assert.equal(r.status, null);
      assert.equal(r.message, `Unable to connect to API (${code})`);
    }
  });

  it("Node's codes, UND_ERR_ and TLS codes", () => {
    for (const code of ['ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED']) {
      const r = failure(finalFailure(`API Error: Unable to connect to API (${code})`));
      assert.equal(r.failureClass, 'network', code);
      assert.equal(r.networkCode, code);
    }
  });

  it('CamelCase codes in error.connection.code, error.cause.code and cause.code of retries', () => {
    const connection = retry(retryFlat({ status: null, message: 'Unable to connect to API', connectionCode: 'ConnectionRefused' }, 1));
    assert.equal(connection.networkCode, 'ConnectionRefused');
    assert.equal(connection.failureClass, 'network');
    const inCause = retry(retryNetworkCause('FailedToOpenSocket', 2));
    assert.equal(inCause.networkCode, 'FailedToOpenSocket');
    assert.equal(inCause.failureClass, 'network');
    const atTop = retry(retryNetworkCause('ConnectionClosed', 3, {}, true));
    assert.equal(atTop.networkCode, 'ConnectionClosed');
    assert.equal(atTop.failureClass, 'network');
  });

  it('a retry whose message ends in a CamelCase code', () => {
    const line = JSON.parse(retryFlat({ status: null, message: 'x' }, 1)) as Record<string, unknown>;
    line.error = { message: 'Unable to connect to API (ConnectionRefused)', status: null, connection: null };
    const r = retry(JSON.stringify(line));
    assert.equal(r.networkCode, 'ConnectionRefused');
    assert.equal(r.failureClass, 'network');
  });

  it('words in parentheses that are not codes stay out', () => {
    const gateway = failure(finalFailure('API Error: 503 Service unavailable. Check your inference gateway (MyGateway).'));
    assert.equal(gateway.networkCode, null);
    const zone = failure(finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)"));
    assert.equal(zone.networkCode, null);
    assert.equal(zone.failureClass, 'rate_limit');
  });
});

describe('errorDetails', () => {
  it('gives the status, the error type and the request ID the human text lacks', () => {
    const r = failure(
      finalFailure('API Error: Request rejected · This request would exceed your rate limit.', { version: '2.1.230' }, {
        errorDetails: `429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"${REQ}"}`,
      }),
    );
    assert.equal(r.status, 429);
    assert.equal(r.statusSource, 'record');
    assert.equal(r.errorType, 'rate_limit_error');
    assert.deepEqual(r.requestIds, [REQ]);
    assert.equal(r.failureClass, 'rate_limit');
  });

  it("the line's own requestId stays first", () => {
    const other = 'req_011CVzzzzzzzzzzzzzzzzzzz';
    const r = failure(
      finalFailure('API Error: 500 Internal server error.', {}, {
        requestId: other,
        errorDetails: `500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${REQ}"}`,
      }),
    );
    assert.deepEqual(r.requestIds, [other, REQ]);
    assert.equal(r.errorType, 'api_error');
  });

  it('a 529 in errorDetails beside text without a number', () => {
    const r = failure(
      finalFailure('API Error: The API is overloaded right now.', {}, {
        errorDetails: '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":null}',
      }),
    );
    assert.equal(r.status, 529);
    assert.equal(r.failureClass, 'overloaded');
    assert.deepEqual(r.requestIds, []);
  });
});

describe('quotaLimits and plan-limit wording', () => {
  const resetsAt = Date.parse('2026-11-20T17:40:00Z') / 1000;
  it('the window and the reset time of a plan limit', () => {
    const r = failure(
      finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", { version: '2.1.230' }, {
        error: 'rate_limit',
        quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'five_hour', overageStatus: 'rejected', overageDisabledReason: 'org_level_disabled', isUsingOverage: false },
      }),
    );
    assert.equal(r.failureClass, 'rate_limit');
    assert.equal(r.limitWindow, '5-hour');
    assert.equal(r.resetsAt, '2026-11-20T17:40:00.000Z');
    assert.equal(r.status, null);
    assert.equal(r.impliedStatus, 429);
    assert.equal(r.message, "You've hit your session limit");
  });

  it('the weekly windows, and wordings for extra usage and per-model limits', () => {
    const weekly = failure(
      finalFailure("You've hit your weekly limit · resets Mon 9am", {}, { error: 'rate_limit', quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'seven_day' } }),
    );
    assert.equal(weekly.limitWindow, '7-day');
    const opus = failure(
      finalFailure("You've reached your Opus limit · resets Mon 9am", {}, { error: 'rate_limit', quotaLimits: { status: 'rejected', resetsAt, rateLimitType: 'seven_day_opus' } }),
    );
    assert.equal(opus.limitWindow, '7-day Opus');
    assert.equal(opus.failureClass, 'rate_limit');
    const extra = failure(finalFailure("You're out of extra usage · resets 6pm", {}, { error: 'rate_limit' }));
    assert.equal(extra.failureClass, 'rate_limit');
    assert.equal(extra.resetsAt, null);
  });

  it('the 1.0.x usage-limit line carries its reset in epoch seconds', () => {
    const legacy = failure(finalFailure('Claude AI usage limit reached|1767225600'));
    assert.equal(legacy.resetsAt, '2026-01-01T00:00:00.000Z');
    assert.equal(legacy.message, 'Claude AI usage limit reached');
  });
});

describe('transient limits and cut-off responses', () => {
  it('apiErrorIsTransient: the server limiting, not the usage limit', () => {
    const r = failure(
      finalFailure('API Error: Server is temporarily limiting requests (not your usage limit) · Rate limited', {}, { apiErrorIsTransient: true, apiErrorStatus: 429, error: 'rate_limit' }),
    );
    assert.equal(r.transient, true);
    assert.match(r.message, /not your usage limit/);
    const bare = failure(finalFailure('API Error: 429 Too many requests right now.', {}, { apiErrorIsTransient: true }));
    assert.equal(bare.message, '429 Too many requests right now — temporary capacity limit, not your usage limit');
  });

  it('truncatedAfterOutput and isAbortedMidStream mark a mid-response failure', () => {
    const flagged = failure(finalFailure('API Error: 500 Internal server error.', {}, { truncatedAfterOutput: true, apiErrorStatus: 500 }));
    assert.equal(flagged.midResponse, true);
    assert.equal(flagged.message, '500 Internal server error (mid-response: the response was cut off)');
    const aborted = failure(finalFailure('API Error: Connection closed (ConnectionClosed)', {}, { isAbortedMidStream: true }));
    assert.equal(aborted.midResponse, true);
    assert.equal(aborted.failureClass, 'network');
    const worded = failure(finalFailure('API Error: Server error mid-response. The response above may be incomplete.'));
    assert.equal(worded.midResponse, true);
    assert.equal(worded.message, 'Server error mid-response');
    assert.equal(failure(finalFailure('API Error: 500 Internal server error.')).midResponse, false);
  });

  it('a user abort stays a non-failure even when flagged mid-stream', () => {
    assert.equal(parseTranscriptLine(finalFailure('API Error: Request was aborted.', {}, { isAbortedMidStream: true }))?.kind, 'interrupt');
  });
});

describe('envelope details', () => {
  it('sessionId, not a differing snake_case session_id, is the session', () => {
    const r = failure(finalFailure('API Error: 500 Internal server error.', { sessionId: 'sess-parent' }, { session_id: 'sess-other' }));
    assert.equal(r.envelope.sessionId, 'sess-parent');
  });

  it('record types this release does not know are not records', () => {
    for (const type of ['mode', 'cost-state', 'bridge-session']) {
      assert.equal(parseTranscriptLine(unfamiliarRecord(type, {}, { value: 'API Error: 500' })), null, type);
    }
  });
});

describe('unknown shapes', () => {
  const parsed = (line: string) => {
    const value: unknown = JSON.parse(line);
    return isUnknownErrorShape(value, parseTranscriptRecord(value));
  };

  it('a marked line the reader cannot read is an unknown shape', () => {
    assert.equal(parsed(unknownShapeFailure()), true);
    const system = JSON.parse(retryFlat({ status: 500, message: 'x' }, 1)) as Record<string, unknown>;
    delete system.error;
    system.failure = { code: 500 };
    assert.equal(parsed(JSON.stringify(system)), true, 'a retry of which nothing can be read');
  });

  it('known failures, retries, aborts and decoys are not', () => {
    for (const line of [
      finalFailure('API Error: 500 Internal server error.'),
      retrySdkError(529, 'overloaded_error', 'Overloaded', REQ, 1),
      finalFailure('API Error: Request was aborted.'),
      finalFailure('[Request interrupted by user]'),
      syntheticNotFailure('No response requested.'),
      toolResult(finalFailure('API Error: 529 Overloaded')),
      toolResult('ok', {}, { type: 'assistant', isApiErrorMessage: true, subtype: 'api_error' }),
      assistantText('A 529 overloaded_error with "isApiErrorMessage":true means the API is overloaded.'),
      unfamiliarRecord('cost-state'),
    ]) {
      assert.equal(parsed(line), false, line.slice(0, 120));
    }
  });
});

describe('interrupts', () => {
  it("the user's interrupt and abort are interrupt records, in every spelling Claude Code writes", () => {
    for (const line of [
      userInterrupt({ sessionId: 'sess-i' }),
      userInterrupt({ sessionId: 'sess-i' }, '[Request interrupted by user for tool use]'),
      finalFailure('API Error: Request was aborted.', { sessionId: 'sess-i' }),
      finalFailure('Operation aborted', { sessionId: 'sess-i' }),
    ]) {
      const record = parseTranscriptLine(line);
      assert.equal(record?.kind, 'interrupt', line.slice(0, 160));
      assert.equal(record?.envelope.sessionId, 'sess-i');
    }
  });

  it('a prompt or tool result that quotes the marker, or says more, is not one', () => {
    for (const line of [
      toolResult('[Request interrupted by user]'),
      userPrompt('Why does it say [Request interrupted by user] when I press Esc?'),
      JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }, { type: 'text', text: 'and more' }] } }),
    ]) {
      assert.equal(parseTranscriptLine(line), null, line.slice(0, 160));
    }
  });
});

describe("Claude Code's whole wording", () => {
  it('a plan limit keeps its reset time; the short message stays short; no status is invented', () => {
    const r = failure(finalFailure("You've hit your session limit · resets 5:40pm (Europe/Madrid)", {}, { error: 'rate_limit' }));
    assert.equal(r.message, "You've hit your session limit");
    assert.equal(r.wording, "You've hit your session limit · resets 5:40pm (Europe/Madrid)");
    assert.equal(r.status, null);
  });

  it('a 429 keeps the limit it exceeded', () => {
    const text =
      "API Error: Request rejected (429) · This request would exceed your organization's rate limit of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.";
    const r = failure(finalFailure(text));
    assert.equal(r.message, 'Request rejected (429)');
    assert.equal(r.wording, text.replace('API Error: ', ''));
  });

  it('"Not logged in" keeps its advice and carries no HTTP status', () => {
    const r = failure(finalFailure('Not logged in · Please run /login', {}, { error: 'authentication_failed' }));
    assert.equal(r.status, null);
    assert.equal(r.failureClass, 'auth');
    assert.equal(r.wording, 'Not logged in · Please run /login');
  });

  it('none when it says no more than the message, or is a raw JSON body', () => {
    assert.equal(failure(finalFailure('API Error: 500 Internal server error.')).wording, null);
    assert.equal(failure(finalFailure(`API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${REQ}"}`)).wording, null);
    assert.equal(failure(finalFailure('Claude AI usage limit reached|1767225600')).wording, null);
    assert.equal(retry(retrySdkError(529, 'overloaded_error', 'Overloaded', REQ, 1)).wording, null);
  });

  it('a retry in the 2.1.2xx shape keeps its formatted wording; long wording is kept whole on one line (a report redacts it, then cuts)', () => {
    const r = retry(retryFlat({ status: 529, message: 'Overloaded', formatted: 'Repeated 529 Overloaded errors.\nTry again in a moment.' }, 2));
    assert.equal(r.wording, 'Repeated 529 Overloaded errors. Try again in a moment.');
    const long = failure(finalFailure(`API Error: 500 Internal server error. ${'More advice. '.repeat(100)}`));
    assert.equal(long.wording, `500 Internal server error. ${'More advice. '.repeat(100)}`.trim());
  });
});
