// The team view's settings, checked before anything is loaded or opened: where metrics go (an
// OTLP/HTTP collector, a Prometheus endpoint of our own), the optional `team.member` label, and
// what the environment adds (the collector's auth headers, the export interval). Every bad value
// is a `TelemetryConfigError` with a message a person can act on, never a crash later.

/** Where metrics go; null fields are off. Both off: telemetry is off, and nothing is loaded. */
export interface TelemetryConfig {
  /** The collector's OTLP/HTTP metrics URL (`…/v1/metrics`), or null. */
  otlpUrl: string | null;
  /** Where `/metrics` is served for Prometheus to scrape, or null. */
  prometheus: MetricsAddress | null;
  /** The `team.member` label on every measurement, or null (no such label). */
  teamMember: string | null;
}

export interface MetricsAddress {
  host: string;
  /** 0: any free port (tests); the bound one is reported once listening. */
  port: number;
}

export class TelemetryConfigError extends Error {}

/** The port Prometheus' wiki registers for OpenTelemetry's Prometheus exporter. */
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/** OTLP's own default, overridden by `OTEL_METRIC_EXPORT_INTERVAL`. */
export const DEFAULT_EXPORT_INTERVAL_MS = 60_000;
const MIN_EXPORT_INTERVAL_MS = 1_000;
const MAX_TEAM_MEMBER_LENGTH = 64;

export function telemetryEnabled(config: TelemetryConfig | null): config is TelemetryConfig {
  return config !== null && (config.otlpUrl !== null || config.prometheus !== null);
}

/**
 * `HOST:PORT`, `:PORT`, `PORT` or `[v6]:PORT` (127.0.0.1 when no host). A host other than a
 * loopback address lets every machine that reaches this one read the team's failures: refused
 * unless `allowRemote`.
 */
export function parseMetricsAddress(value: string, allowRemote: boolean, what = '--metrics'): MetricsAddress {
  const text = value.trim();
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]*)):(\d*)$|^(\d+)$/.exec(text);
  if (!match) throw new TelemetryConfigError(`${what} ${JSON.stringify(value)} is not HOST:PORT (for example 127.0.0.1:${DEFAULT_METRICS_PORT})`);
  const host = match[1] ?? (match[2] || DEFAULT_METRICS_HOST);
  const portText = match[4] ?? match[3];
  if (portText === '') throw new TelemetryConfigError(`${what} ${JSON.stringify(value)} has no port (for example ${host}:${DEFAULT_METRICS_PORT})`);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535 || portText.length > 5) {
    throw new TelemetryConfigError(`${what} ${JSON.stringify(value)}: the port must be a number from 1 to 65535`);
  }
  if (match[2] !== undefined && match[2] !== '' && !/^[A-Za-z0-9.-]+$/.test(match[2])) {
    throw new TelemetryConfigError(`${what} ${JSON.stringify(value)}: ${JSON.stringify(match[2])} is not a host name or address`);
  }
  if (!allowRemote && !isLoopback(host)) {
    throw new TelemetryConfigError(
      `${what} ${host}:${port} would let other machines read this one's failures; serve on 127.0.0.1 and let a local Prometheus or Collector scrape it, or add --metrics-allow-remote`,
    );
  }
  return { host, port };
}

/** 127.0.0.0/8, ::1 and localhost: nothing but this machine reaches them. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/**
 * The collector's metrics URL from the setting: an http(s) URL, as `OTEL_EXPORTER_OTLP_ENDPOINT`
 * takes it (the base; `v1/metrics` is appended unless the path already ends with it). Credentials
 * never come from settings (they would sit in settings.json and its sync): a URL carrying a user or
 * password is refused, headers come from `OTEL_EXPORTER_OTLP_HEADERS`.
 */
export function parseOtlpEndpoint(value: string, what = 'claudeAPIWatch.telemetry.otlpEndpoint'): string {
  const text = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new TelemetryConfigError(`${what} ${JSON.stringify(value)} is not an http:// or https:// URL (for example http://127.0.0.1:4318)`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TelemetryConfigError(`${what} ${JSON.stringify(value)} is not a URL (for example http://127.0.0.1:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TelemetryConfigError(`${what} ${JSON.stringify(value)}: OTLP/HTTP needs an http:// or https:// URL (gRPC's port 4317 is not it: use 4318)`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TelemetryConfigError(`${what} carries a user name or password: put credentials in OTEL_EXPORTER_OTLP_HEADERS instead, never in settings`);
  }
  url.hash = '';
  if (!/\/v1\/metrics\/?$/.test(url.pathname)) url.pathname = url.pathname.replace(/\/?$/, '/') + 'v1/metrics';
  return url.toString();
}

/** The optional `team.member` label: trimmed, printable, at most 64 characters; empty is none. */
export function parseTeamMember(value: string | undefined, what = 'claudeAPIWatch.telemetry.teamMember'): string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  // eslint-disable-next-line no-control-regex
  if (text.length > MAX_TEAM_MEMBER_LENGTH || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new TelemetryConfigError(`${what} must be at most ${MAX_TEAM_MEMBER_LENGTH} printable characters`);
  }
  return text;
}

/**
 * `OTEL_EXPORTER_OTLP_METRICS_HEADERS` over `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,key2=value2`,
 * values URL-encoded), as every OpenTelemetry SDK reads them. Malformed pairs are left out.
 */
export function otlpHeadersFrom(env: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    for (const pair of (env[name] ?? '').split(',')) {
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const key = pair.slice(0, at).trim();
      let headerValue: string;
      try {
        headerValue = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        continue;
      }
      if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) headers[key.toLowerCase()] = headerValue;
    }
  }
  return headers;
}

/** `OTEL_METRIC_EXPORT_INTERVAL` (ms), at least a second; else a minute. */
export function exportIntervalFrom(env: Record<string, string | undefined>): number {
  const value = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isFinite(value) && value > 0 ? Math.max(MIN_EXPORT_INTERVAL_MS, Math.round(value)) : DEFAULT_EXPORT_INTERVAL_MS;
}

/** What `WorkspaceConfiguration.inspect()` returns for one of the team view's settings. */
export interface InspectedTelemetrySetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface TelemetrySettings {
  /** Null: off (nothing set in user settings). */
  config: TelemetryConfig | null;
  /** What is wrong, one line each (the way out stays off). */
  problems: string[];
}

/**
 * The editor's settings as a config, from the user's own settings alone: a workspace (a cloned
 * repository's `.vscode/settings.json`) must never send a team's failures somewhere, or label them.
 * The Prometheus endpoint is the CLI's (`watch --metrics`): an editor serves nothing.
 */
export function telemetryConfigFromSettings(otlpEndpoint: InspectedTelemetrySetting | undefined, teamMember: InspectedTelemetrySetting | undefined): TelemetrySettings {
  const problems: string[] = [];
  for (const [key, inspected] of [
    ['otlpEndpoint', otlpEndpoint],
    ['teamMember', teamMember],
  ] as const) {
    if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
      problems.push(`claudeAPIWatch.telemetry.${key} set in a workspace is ignored: only your user settings decide where metrics go`);
    }
  }
  const endpoint = typeof otlpEndpoint?.globalValue === 'string' ? otlpEndpoint.globalValue.trim() : '';
  if (endpoint === '') return { config: null, problems };
  try {
    const member = parseTeamMember(typeof teamMember?.globalValue === 'string' ? teamMember.globalValue : undefined);
    return { config: { otlpUrl: parseOtlpEndpoint(endpoint), prometheus: null, teamMember: member }, problems };
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    problems.push(`${error.message}; team telemetry stays off`);
    return { config: null, problems };
  }
}
