// A stand-in for the Anthropic API's `GET /v1/models`, answering the way the real API does in each mode.
import { startStandIn, type RecordedRequest, type StandIn, type StandInReply } from './httpStandIn';

export type ApiStandInMode =
  /** 200 with a models list when the valid key is sent (x-api-key or Bearer), else 401 like the real API. */
  | 'ok'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'server_error'
  /** 502 with an HTML body and no request ID, as a load balancer sends. */
  | 'bad_gateway'
  | 'overloaded'
  /** Accepts the request and never answers. */
  | 'hang';

export interface ApiStandIn extends StandIn {
  mode: ApiStandInMode;
  /** The request ID the last answer carried in its `request-id` header, or null. */
  lastRequestId: string | null;
}

export const STAND_IN_VALID_KEY = 'sk-ant-api03-standin-valid-key';

const MODELS_LIST = {
  data: [
    { type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
  ],
  has_more: false,
  first_id: 'claude-sonnet-4-5',
  last_id: 'claude-sonnet-4-5',
};

function errorReply(status: number, type: string, message: string, requestId: string, headers: Record<string, string> = {}): StandInReply {
  return {
    status,
    headers: { 'request-id': requestId, ...headers },
    body: JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }),
  };
}

function sentKey(request: RecordedRequest): string | null {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string') return apiKey;
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  return match ? match[1] : null;
}

export async function startApiStandIn(initialMode: ApiStandInMode = 'ok'): Promise<ApiStandIn> {
  let served = 0;
  const state: { mode: ApiStandInMode; lastRequestId: string | null } = { mode: initialMode, lastRequestId: null };
  const reply = (request: RecordedRequest): StandInReply => {
    served += 1;
    const requestId = `req_011StandIn${String(served).padStart(4, '0')}`;
    if (state.mode === 'hang') return 'hang';
    state.lastRequestId = state.mode === 'bad_gateway' ? null : requestId;
    if (!request.url.startsWith('/v1/models')) return errorReply(404, 'not_found_error', 'Not found', requestId);
    switch (state.mode) {
      case 'ok': {
        const key = sentKey(request);
        if (key === null) return errorReply(401, 'authentication_error', 'x-api-key header is required', requestId);
        if (key !== STAND_IN_VALID_KEY) return errorReply(401, 'authentication_error', 'invalid x-api-key', requestId);
        return { status: 200, headers: { 'request-id': requestId }, body: JSON.stringify(MODELS_LIST) };
      }
      case 'unauthorized':
        return errorReply(401, 'authentication_error', 'invalid x-api-key', requestId);
      case 'forbidden':
        return errorReply(403, 'permission_error', 'Your API key does not have permission to use the specified resource.', requestId);
      case 'rate_limited':
        return errorReply(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', requestId, { 'retry-after': '30' });
      case 'server_error':
        return errorReply(500, 'api_error', 'Internal server error', requestId);
      case 'overloaded':
        return errorReply(529, 'overloaded_error', 'Overloaded', requestId);
      case 'bad_gateway':
        return { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    }
  };
  const standIn = await startStandIn(reply);
  return {
    url: standIn.url,
    requests: standIn.requests,
    close: standIn.close,
    get mode() {
      return state.mode;
    },
    set mode(mode: ApiStandInMode) {
      state.mode = mode;
    },
    get lastRequestId() {
      return state.lastRequestId;
    },
  };
}
