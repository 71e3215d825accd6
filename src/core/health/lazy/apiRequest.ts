// The health check's request, through the Anthropic SDK. A lazy module (scripts/build.mjs): built
// as its own file and loaded by `checkApiHealth` on first use, so nothing else pays for the SDK.
import Anthropic from '@anthropic-ai/sdk';
import {
  DEFAULT_HEALTH_TIMEOUT_MS,
  networkCode,
  PUBLIC_API_BASE_URL,
  type ApiHealthOptions,
  type ApiHealthResult,
  type ApiHealthVerdict,
} from '../healthCheck';

// Without a key the SDK would look for credentials itself (ANTHROPIC_API_KEY, profiles on disk,
// workload identity). A keyless check must send none: this subclass opts out of that lookup,
// as the SDK documents for clients that bring their own auth, and omits the Authorization header.
class KeylessAnthropic extends Anthropic {
  protected override _shouldResolveDefaultCredentials(): boolean {
    return false;
  }
}

function createClient(baseURL: string, apiKey: string | null, timeoutMs: number): Anthropic {
  const common = { baseURL, authToken: null, maxRetries: 0, timeout: timeoutMs, logLevel: 'off', openTelemetry: false } as const;
  return apiKey
    ? new Anthropic({ ...common, apiKey })
    : new KeylessAnthropic({ ...common, apiKey: null, defaultHeaders: { Authorization: null } });
}

/** `checkApiHealth` itself: the one place that loads the SDK (a lazy module, see scripts/build.mjs). */
export async function requestApiHealth(options: ApiHealthOptions = {}): Promise<ApiHealthResult> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const baseURL = options.baseURL?.trim() || PUBLIC_API_BASE_URL;
  const apiKey = options.apiKey || null;
  const keyUsed = apiKey !== null;
  new URL(baseURL); // throws TypeError for a URL that is not one: a caller's mistake, not an outage
  const client = createClient(baseURL, apiKey, timeoutMs);
  const startedAt = now();
  const finish = (reading: Reading): ApiHealthResult => ({
    ...reading,
    latencyMs: Math.max(0, Math.round(now() - startedAt)),
    checkedAt: new Date(startedAt).toISOString(),
    baseURL,
    keyUsed,
  });
  try {
    const { data: page, request_id } = await client.models.list({ limit: 1 }).withResponse();
    const count = page.data.length;
    return finish({
      verdict: 'up',
      httpStatus: 200,
      errorType: null,
      networkCode: null,
      message: keyUsed ? `reachable; the key works (${count} model${count === 1 ? '' : 's'} listed)` : 'reachable',
      requestId: request_id ?? null,
    });
  } catch (error) {
    if (error instanceof Anthropic.APIConnectionError) return finish(readConnectionError(error, timeoutMs));
    if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
      return finish(readStatusError(error, error.status, keyUsed));
    }
    throw error;
  }
}

type Reading = Pick<ApiHealthResult, 'verdict' | 'httpStatus' | 'errorType' | 'networkCode' | 'message' | 'requestId'>;

function readStatusError(error: InstanceType<typeof Anthropic.APIError>, status: number, keyUsed: boolean): Reading {
  const requestId = error.requestID || bodyRequestId(error.error);
  // The API's own words after ours, unless they only repeat them (529 says "Overloaded").
  const said = (words: string) =>
    error.apiMessage && error.apiMessage.toLowerCase() !== words.toLowerCase() ? `${words}: ${error.apiMessage}` : words;
  const reading = (verdict: ApiHealthVerdict, message: string): Reading => ({
    verdict,
    httpStatus: status,
    errorType: error.type ?? null,
    networkCode: null,
    message,
    requestId,
  });
  if (status === 401 || status === 403) {
    if (!keyUsed) return reading('up', 'reachable; authentication needed (no key was sent)');
    return reading('up', said(`reachable, but the key was ${status === 401 ? 'rejected' : 'refused permission'}`));
  }
  if (status === 429) return reading('degraded', said('rate limited'));
  if (status === 529) return reading('degraded', said('overloaded'));
  if (status >= 500) return reading('down', said(`server error ${status}`));
  // Any other answer still comes from a running API: the request, not the service, is at fault.
  return reading('up', said(`reachable; answered ${status}`));
}

function bodyRequestId(body: unknown): string | null {
  const id = (body as { request_id?: unknown } | null | undefined)?.request_id;
  return typeof id === 'string' && id ? id : null;
}

function readConnectionError(error: InstanceType<typeof Anthropic.APIConnectionError>, timeoutMs: number): Reading {
  const base = { httpStatus: null, errorType: null, requestId: null, verdict: 'unreachable' as const };
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return { ...base, networkCode: 'ETIMEDOUT', message: `no answer within ${timeoutMs} ms` };
  }
  const code = networkCode(error);
  return { ...base, networkCode: code, message: code ? `could not connect (${code})` : 'could not connect' };
}
