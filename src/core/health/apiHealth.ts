// "Is it me or Anthropic?": one cheap request to the API Claude Code talks to, read as a verdict.
// `GET /v1/models` costs no tokens; with no key, the API's 401 still proves it is up.
import { cloudProviderId, PROVIDER_FLAGS, type ClaudeEnvironments, type CloudProviderId } from '../claudeEnv';
import { PUBLIC_API_BASE_URL, type ApiHealthOptions, type ApiHealthResult, type ApiHealthVerdict } from './healthCheck';

export type { ApiHealthOptions, ApiHealthResult, ApiHealthVerdict } from './healthCheck';

export interface HealthTarget {
  baseURL: string;
  /** Where the URL came from: the extension setting / CLI flag, `ANTHROPIC_BASE_URL`, or the default. */
  source: 'setting' | 'ANTHROPIC_BASE_URL' | 'default';
  /** False for gateways and proxies: Anthropic's status page then says nothing about this target. */
  isPublicApi: boolean;
}

type Env = Record<string, string | undefined>;

/** The base URL Claude Code would call: the setting, else `ANTHROPIC_BASE_URL`, else the public API. */
export function resolveHealthTarget(env: Env, settingBaseUrl?: string | null): HealthTarget {
  const setting = settingBaseUrl?.trim();
  const fromEnv = env.ANTHROPIC_BASE_URL?.trim();
  const [baseURL, source]: [string, HealthTarget['source']] =
    setting ? [setting, 'setting'] : fromEnv ? [fromEnv, 'ANTHROPIC_BASE_URL'] : [PUBLIC_API_BASE_URL, 'default'];
  return { baseURL, source, isPublicApi: isPublicApi(baseURL) };
}

function isPublicApi(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.anthropic.com';
  } catch {
    return false;
  }
}

const PROVIDER_NAMES: Readonly<Record<CloudProviderId, string>> = {
  bedrock: 'Amazon Bedrock',
  vertex: 'Google Vertex AI',
  foundry: 'Microsoft Foundry',
};

/** The cloud provider Claude Code is set to use instead of the Anthropic API, or null. */
export function cloudProvider(env: Env): string | null {
  const id = cloudProviderId(env);
  return id ? PROVIDER_NAMES[id] : null;
}

/**
 * Null when the health check tests what Claude Code uses; otherwise a sentence saying what it
 * does not cover (Claude Code goes to a cloud provider the check never calls).
 */
export function healthCheckApplies(env: Env): string | null {
  const provider = cloudProvider(env);
  if (provider === null) return null;
  return `Claude Code is set to use ${provider}; this check covers the Anthropic API only, not ${provider}.`;
}

/** Where users of a cloud provider look instead: its own status page. */
const PROVIDER_STATUS_PAGES: Readonly<Record<CloudProviderId, string>> = {
  bedrock: 'https://health.aws.amazon.com/health/status',
  vertex: 'https://status.cloud.google.com',
  foundry: 'https://azure.status.microsoft/status',
};

/** What a health check should do for the environment Claude Code runs with. */
export type HealthPlan =
  | { kind: 'check'; target: HealthTarget; /** A sentence on what the check does not cover, or null. */ note: string | null }
  | { kind: 'provider'; provider: string; /** Plain words: the Anthropic check does not apply. */ message: string; statusPage: string };

/**
 * The health check for Claude Code's environment (process plus settings.json, see
 * `ClaudeEnvironments`): a gateway there is the target; a cloud provider gets no Anthropic check
 * unless a base URL was given explicitly (`settingBaseUrl`), only where to look instead.
 */
export function planHealthCheck(env: Env, settingBaseUrl?: string | null, providerSource?: string): HealthPlan {
  const id = cloudProviderId(env);
  if (id !== null && !settingBaseUrl?.trim()) {
    const provider = PROVIDER_NAMES[id];
    const from = providerSource ? ` (set in ${providerSource})` : '';
    return {
      kind: 'provider',
      provider,
      message: `Claude Code uses ${provider}${from}, so the Anthropic API check does not apply. See ${provider}'s own status page.`,
      statusPage: PROVIDER_STATUS_PAGES[id],
    };
  }
  return { kind: 'check', target: resolveHealthTarget(env, settingBaseUrl), note: healthCheckApplies(env) };
}

/** `planHealthCheck` for the first config dir's environment, naming where a provider was set. */
export function planHealthCheckIn(environments: ClaudeEnvironments, settingBaseUrl?: string | null): HealthPlan {
  const env = environments.forConfigDir();
  const flag = PROVIDER_FLAGS.find(([variable]) => env[variable] !== undefined)?.[0];
  return planHealthCheck(env, settingBaseUrl, flag ? environments.sourceOf(flag) : undefined);
}

/**
 * Checks the API at `baseURL` (the public API when absent). Never reads the environment itself.
 * The SDK is loaded only now, from its own file: activation and the other commands never pay for it.
 */
export async function checkApiHealth(options: ApiHealthOptions = {}): Promise<ApiHealthResult> {
  const { requestApiHealth } = await import('./lazy/apiRequest.js');
  return requestApiHealth(options);
}

const VERDICT_WORDS: Readonly<Record<ApiHealthVerdict, string>> = {
  up: 'is up',
  degraded: 'is degraded',
  down: 'is down',
  unreachable: 'could not be reached',
};

/** DNS could not find the host: nothing was sent anywhere. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'DNSException']);

/**
 * The answer to "is it me or Anthropic?" in one line: `Anthropic API is down — server error 500:
 * Internal server error`; without an answer, a verdict in plain words naming the host, e.g. `Could not
 * resolve api.anthropic.com: your network or DNS, not Anthropic`.
 */
export function headlineHealth(result: ApiHealthResult): string {
  if (result.verdict !== 'unreachable') return `Anthropic API ${VERDICT_WORDS[result.verdict]} — ${result.message}`;
  const host = hostOf(result.baseURL);
  const whose = isPublicApi(result.baseURL) ? 'not Anthropic' : 'or the gateway, not Anthropic';
  const code = result.networkCode;
  if (code && DNS_CODES.has(code)) return `Could not resolve ${host}: your network or DNS, ${whose} (${code})`;
  if (code === 'ETIMEDOUT') return `No answer from ${host} in time (${result.message}): your network or a proxy, or the API is very slow`;
  return `Could not connect to ${host}${code ? ` (${code})` : ''}: your network, a proxy or a firewall, ${whose}`;
}

/** A health check says something about an outage only this close to it (before, during or after). */
export const HEALTH_RELEVANCE_MS = 15 * 60_000;

/**
 * The health check for a report on an outage from `firstAt` to `lastAt` (ISO), with its age, or
 * null when it is too far from the outage to be about it: `a health check at 10:42 UTC got 500
 * api_error (req_…), 3 min before the first failure`.
 */
export function healthForOutage(result: ApiHealthResult | null, firstAt: string | null, lastAt: string | null): string | null {
  const checked = result ? Date.parse(result.checkedAt) : NaN;
  const first = Date.parse(firstAt ?? '');
  const last = Date.parse(lastAt ?? firstAt ?? '');
  if (!result || !Number.isFinite(checked) || !Number.isFinite(first) || !Number.isFinite(last)) return null;
  if (checked < first - HEALTH_RELEVANCE_MS || checked > last + HEALTH_RELEVANCE_MS) return null;
  const minutes = (ms: number) => `${Math.max(1, Math.round(ms / 60_000))} min`;
  const age = checked < first ? `${minutes(first - checked)} before the first failure` : checked > last ? `${minutes(checked - last)} after the last failure` : 'during the outage';
  return `${summarizeHealth(result)}, ${age}`;
}

/** One line for a bug report, e.g. `a health check at 10:42 UTC got 500 api_error (req_…)`. */
export function summarizeHealth(result: ApiHealthResult): string {
  const time = result.checkedAt.slice(11, 16);
  const target = isPublicApi(result.baseURL) ? '' : ` (${hostOf(result.baseURL)})`;
  const prefix = `a health check${target} at ${time} UTC`;
  if (result.httpStatus === null) {
    if (result.networkCode === 'ETIMEDOUT') return `${prefix} got no answer (timed out)`;
    return `${prefix} could not connect${result.networkCode ? ` (${result.networkCode})` : ''}`;
  }
  const answer = [String(result.httpStatus), result.errorType].filter(Boolean).join(' ');
  const requestId = result.requestId ? ` (${result.requestId})` : '';
  return `${prefix} got ${answer}${requestId}${meaningOf(result)}`;
}

function meaningOf(result: ApiHealthResult): string {
  if (result.verdict !== 'up') return '';
  if (result.httpStatus === 401 || result.httpStatus === 403) {
    if (!result.keyUsed) return ': the API is up (checked without a key)';
    return `: the API is up, the key ${result.httpStatus === 401 ? 'was rejected' : 'lacks permission'}`;
  }
  return ': the API is up';
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}
