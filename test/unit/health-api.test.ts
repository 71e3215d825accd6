import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  checkApiHealth,
  healthCheckApplies,
  resolveHealthTarget,
  headlineHealth,
  healthForOutage,
  summarizeHealth,
  type ApiHealthResult,
} from '../../src/core/health/apiHealth';
import { PUBLIC_API_BASE_URL } from '../../src/core/health/healthCheck';
import { STAND_IN_VALID_KEY, startApiStandIn, type ApiStandIn } from '../support/apiStandIn';
import { closedPortUrl, startStandIn } from '../support/httpStandIn';

describe('checkApiHealth against a local API stand-in', () => {
  let api: ApiStandIn;
  before(async () => {
    api = await startApiStandIn();
  });
  after(() => api.close());

  const check = (mode: ApiStandIn['mode'], apiKey: string | null = null, timeoutMs?: number) => {
    api.mode = mode;
    return checkApiHealth({ baseURL: api.url, apiKey, timeoutMs });
  };

  it('200 with a valid key: up, the key works, request ID from the header', async () => {
    const before = api.requests.length;
    const result = await check('ok', STAND_IN_VALID_KEY);
    assert.equal(result.verdict, 'up');
    assert.equal(result.httpStatus, 200);
    assert.equal(result.errorType, null);
    assert.equal(result.requestId, api.lastRequestId);
    assert.equal(result.keyUsed, true);
    assert.equal(result.baseURL, api.url);
    assert.match(result.message, /the key works \(1 model listed\)/);
    assert.equal(api.requests.length, before + 1, 'one request, no retries');
    const request = api.requests.at(-1)!;
    assert.equal(request.method, 'GET');
    assert.match(request.url, /^\/v1\/models/);
    assert.equal(request.headers.authorization, `Bearer ${STAND_IN_VALID_KEY}`);
  });

  it('401 without a key proves the API is up, and sends no credentials at all', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'sk-ant-from-process-env-must-not-be-sent';
    try {
      const result = await check('ok');
      assert.equal(result.verdict, 'up');
      assert.equal(result.httpStatus, 401);
      assert.equal(result.errorType, 'authentication_error');
      assert.equal(result.requestId, api.lastRequestId);
      assert.equal(result.keyUsed, false);
      assert.match(result.message, /authentication needed/);
      const request = api.requests.at(-1)!;
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.headers['x-api-key'], undefined);
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('401 with a key: up, but says the key was rejected', async () => {
    const result = await check('unauthorized', 'sk-ant-api03-wrong');
    assert.equal(result.verdict, 'up');
    assert.equal(result.httpStatus, 401);
    assert.equal(result.errorType, 'authentication_error');
    assert.equal(result.requestId, api.lastRequestId);
    assert.match(result.message, /key was rejected: invalid x-api-key/);
  });

  it('403 without a key is up as well', async () => {
    const result = await check('forbidden');
    assert.equal(result.verdict, 'up');
    assert.equal(result.httpStatus, 403);
    assert.equal(result.errorType, 'permission_error');
  });

  it('500 api_error: down, with the request ID', async () => {
    const before = api.requests.length;
    const result = await check('server_error', STAND_IN_VALID_KEY);
    assert.equal(result.verdict, 'down');
    assert.equal(result.httpStatus, 500);
    assert.equal(result.errorType, 'api_error');
    assert.equal(result.networkCode, null);
    assert.match(result.requestId ?? '', /^req_011StandIn\d+$/);
    assert.equal(result.requestId, api.lastRequestId);
    assert.equal(api.requests.length, before + 1, 'retries are off');
  });

  it('502 with an HTML body: down, no error type, no request ID', async () => {
    const result = await check('bad_gateway');
    assert.equal(result.verdict, 'down');
    assert.equal(result.httpStatus, 502);
    assert.equal(result.errorType, null);
    assert.equal(result.requestId, null);
  });

  it('a request ID only in the body (a proxy dropped the header) is still found', async () => {
    const proxy = await startStandIn(() => ({
      status: 503,
      body: JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'Service unavailable' }, request_id: 'req_011BodyOnly' }),
    }));
    try {
      const result = await checkApiHealth({ baseURL: proxy.url, timeoutMs: 2000 });
      assert.equal(result.verdict, 'down');
      assert.equal(result.httpStatus, 503);
      assert.equal(result.requestId, 'req_011BodyOnly');
      assert.equal(result.message, 'server error 503: Service unavailable');
    } finally {
      await proxy.close();
    }
  });

  it('529 overloaded_error: degraded', async () => {
    const result = await check('overloaded');
    assert.equal(result.verdict, 'degraded');
    assert.equal(result.httpStatus, 529);
    assert.equal(result.errorType, 'overloaded_error');
    assert.equal(result.requestId, api.lastRequestId);
    assert.equal(result.message, 'overloaded');
  });

  it('429 rate_limit_error: degraded', async () => {
    const result = await check('rate_limited', STAND_IN_VALID_KEY);
    assert.equal(result.verdict, 'degraded');
    assert.equal(result.httpStatus, 429);
    assert.equal(result.errorType, 'rate_limit_error');
  });

  it('a server that never answers: unreachable after the timeout', async () => {
    const result = await check('hang', null, 150);
    assert.equal(result.verdict, 'unreachable');
    assert.equal(result.httpStatus, null);
    assert.equal(result.networkCode, 'ETIMEDOUT');
    assert.equal(result.requestId, null);
    assert.match(result.message, /no answer within 150 ms/);
  });

  it('a closed port: unreachable, ECONNREFUSED', async () => {
    const result = await checkApiHealth({ baseURL: await closedPortUrl(), timeoutMs: 2000 });
    assert.equal(result.verdict, 'unreachable');
    assert.equal(result.httpStatus, null);
    assert.equal(result.networkCode, 'ECONNREFUSED');
    assert.equal(result.errorType, null);
  });

  it('takes time from the injected clock', async () => {
    const times = [Date.UTC(2026, 0, 15, 10, 42, 5), Date.UTC(2026, 0, 15, 10, 42, 5) + 321];
    api.mode = 'server_error';
    const result = await checkApiHealth({ baseURL: api.url, now: () => times.shift() ?? Number.NaN });
    assert.equal(result.checkedAt, '2026-01-15T10:42:05.000Z');
    assert.equal(result.latencyMs, 321);
  });

  it('rejects a base URL that is not a URL', async () => {
    await assert.rejects(checkApiHealth({ baseURL: 'not a url' }), TypeError);
  });
});

describe('headlineHealth: a verdict in plain words', () => {
  const base = {
    verdict: 'unreachable' as const,
    httpStatus: null,
    errorType: null,
    requestId: null,
    latencyMs: 5,
    checkedAt: '2026-03-02T10:42:00.000Z',
    baseURL: 'https://api.anthropic.com',
    keyUsed: false,
  };

  it('names the host and whose problem it is when no answer came', () => {
    assert.equal(headlineHealth({ ...base, networkCode: 'ENOTFOUND', message: 'could not connect (ENOTFOUND)' }), 'Could not resolve api.anthropic.com: your network or DNS, not Anthropic (ENOTFOUND)');
    assert.equal(
      headlineHealth({ ...base, networkCode: 'ECONNREFUSED', message: 'could not connect (ECONNREFUSED)', baseURL: 'https://llm-gw.example.com/anthropic' }),
      'Could not connect to llm-gw.example.com (ECONNREFUSED): your network, a proxy or a firewall, or the gateway, not Anthropic',
    );
    assert.match(headlineHealth({ ...base, networkCode: 'ETIMEDOUT', message: 'no answer within 10000 ms' }), /^No answer from api\.anthropic\.com in time/);
  });

  it('an answer keeps its verdict and message', () => {
    assert.equal(headlineHealth({ ...base, verdict: 'down', httpStatus: 500, networkCode: null, message: 'server error 500: Internal server error' }), 'Anthropic API is down — server error 500: Internal server error');
  });
});

describe('healthForOutage: only a check close to the outage goes into its report, with its age', () => {
  const result = {
    verdict: 'down' as const,
    httpStatus: 500,
    errorType: 'api_error',
    networkCode: null,
    message: 'server error 500',
    requestId: 'req_011CTest',
    latencyMs: 5,
    checkedAt: '2026-03-02T10:42:00.000Z',
    baseURL: 'https://api.anthropic.com',
    keyUsed: false,
  };
  const at = (hhmm: string) => `2026-03-02T${hhmm}:00.000Z`;

  it('before, during or after the outage', () => {
    assert.equal(healthForOutage(result, at('10:45'), at('10:50')), 'a health check at 10:42 UTC got 500 api_error (req_011CTest), 3 min before the first failure');
    assert.match(healthForOutage(result, at('10:40'), at('10:50'))!, /, during the outage$/);
    assert.match(healthForOutage(result, at('10:30'), at('10:35'))!, /, 7 min after the last failure$/);
  });

  it('none when it is more than 15 minutes away, or there is no check or no time', () => {
    assert.equal(healthForOutage(result, at('11:00'), at('11:10')), null);
    assert.equal(healthForOutage(result, at('10:00'), at('10:20')), null);
    assert.equal(healthForOutage(null, at('10:40'), at('10:50')), null);
    assert.equal(healthForOutage(result, null, null), null);
  });
});

describe('summarizeHealth', () => {
  const base: ApiHealthResult = {
    verdict: 'down',
    httpStatus: 500,
    errorType: 'api_error',
    networkCode: null,
    message: 'server error 500',
    requestId: 'req_011CTest',
    latencyMs: 120,
    checkedAt: '2026-01-15T10:42:05.000Z',
    baseURL: PUBLIC_API_BASE_URL,
    keyUsed: true,
  };

  it('one line with status, type and request ID', () => {
    assert.equal(summarizeHealth(base), 'a health check at 10:42 UTC got 500 api_error (req_011CTest)');
  });

  it('names a gateway host, and says what a 401 means', () => {
    const line = summarizeHealth({
      ...base,
      verdict: 'up',
      httpStatus: 401,
      errorType: 'authentication_error',
      keyUsed: false,
      baseURL: 'https://gateway.example.com/anthropic',
    });
    assert.equal(
      line,
      'a health check (gateway.example.com) at 10:42 UTC got 401 authentication_error (req_011CTest): the API is up (checked without a key)',
    );
  });

  it('network failures and timeouts', () => {
    const unreachable = { ...base, verdict: 'unreachable' as const, httpStatus: null, errorType: null, requestId: null };
    assert.equal(summarizeHealth({ ...unreachable, networkCode: 'ECONNREFUSED' }), 'a health check at 10:42 UTC could not connect (ECONNREFUSED)');
    assert.equal(summarizeHealth({ ...unreachable, networkCode: 'ETIMEDOUT' }), 'a health check at 10:42 UTC got no answer (timed out)');
  });
});

describe('resolveHealthTarget and healthCheckApplies', () => {
  it('prefers the setting, then ANTHROPIC_BASE_URL, then the public API', () => {
    const env = { ANTHROPIC_BASE_URL: 'https://gateway.example.com' };
    assert.deepEqual(resolveHealthTarget(env, 'https://api.anthropic.com/'), {
      baseURL: 'https://api.anthropic.com/',
      source: 'setting',
      isPublicApi: true,
    });
    assert.deepEqual(resolveHealthTarget(env, '  '), {
      baseURL: 'https://gateway.example.com',
      source: 'ANTHROPIC_BASE_URL',
      isPublicApi: false,
    });
    assert.deepEqual(resolveHealthTarget({}, null), { baseURL: PUBLIC_API_BASE_URL, source: 'default', isPublicApi: true });
  });

  it('says when Claude Code uses a cloud provider the check does not cover', () => {
    assert.equal(healthCheckApplies({}), null);
    assert.equal(healthCheckApplies({ CLAUDE_CODE_USE_BEDROCK: '0' }), null);
    assert.match(healthCheckApplies({ CLAUDE_CODE_USE_BEDROCK: '1' }) ?? '', /Amazon Bedrock.*Anthropic API only/);
    assert.match(healthCheckApplies({ CLAUDE_CODE_USE_VERTEX: 'true' }) ?? '', /Google Vertex AI/);
    assert.match(healthCheckApplies({ CLAUDE_CODE_USE_FOUNDRY: '1' }) ?? '', /Microsoft Foundry/);
  });
});
