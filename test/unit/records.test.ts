import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTranscriptLine } from '../../src/core/records';
import type { FailureRecord, RetryRecord } from '../../src/core/types';
import {
  assistantText,
  finalFailure,
  retryFlat,
  retryNetworkCause,
  retrySdkError,
  syntheticNotFailure,
  toolResult,
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
    assert.equal(r.status, 429);
    const legacy = failure(finalFailure('Claude AI usage limit reached|1767225600'));
    assert.equal(legacy.failureClass, 'rate_limit');
  });

  it('auth wording', () => {
    for (const text of ['Not logged in · Please run /login', 'Invalid API key · Fix external API key', 'OAuth token has expired · Please run /login']) {
      assert.equal(failure(finalFailure(text)).failureClass, 'auth', text);
    }
    const byCategory = failure(finalFailure('Your organization does not allow this', {}, { error: 'oauth_org_not_allowed', apiErrorStatus: null }));
    assert.equal(byCategory.status, 403);
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
      assert.ok(record === null || record.kind === 'success', `${name} must not be a failure or retry, got ${record?.kind}`);
    });
  }
});
