// What a health check is, shared by the code that plans and words it (apiHealth.ts) and the request
// itself (lazy/apiRequest.ts, which loads the SDK and is loaded on first use): neither imports the other.

export const PUBLIC_API_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_HEALTH_TIMEOUT_MS = 10_000;

export type ApiHealthVerdict = 'up' | 'degraded' | 'down' | 'unreachable';

export interface ApiHealthResult {
  verdict: ApiHealthVerdict;
  /** The HTTP status the API answered, or null when no answer came. */
  httpStatus: number | null;
  /** Anthropic error type from the body (`api_error`, `overloaded_error`, ...), or null. */
  errorType: string | null;
  /** `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, ... or `ETIMEDOUT` when our timeout ran out; null when an answer came. */
  networkCode: string | null;
  /** One human line, e.g. `reachable; authentication needed`. */
  message: string;
  /** From the `request-id` header, else the body's `request_id`. */
  requestId: string | null;
  latencyMs: number;
  /** ISO 8601, UTC: when the check started. */
  checkedAt: string;
  baseURL: string;
  keyUsed: boolean;
}

export interface ApiHealthOptions {
  baseURL?: string | null;
  apiKey?: string | null;
  timeoutMs?: number;
  now?: () => number;
}

/** The first `code` along the cause chain (`fetch failed` wraps the socket's error). */
export function networkCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
