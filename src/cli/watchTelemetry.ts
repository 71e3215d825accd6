// `watch`'s team view flags: `--metrics HOST:PORT` serves `/metrics` for Prometheus (or a
// Collector's prometheus receiver) to scrape, `--otlp-endpoint URL` pushes to a collector. Both off
// unless given; checked before watching starts, so a bad value is a usage error, not a crash.
import { version } from '../../package.json';
import type { Schedule } from '../core/events';
import type { SessionLog } from '../core/session/transcriptSource';
import { parseMetricsAddress, parseOtlpEndpoint, parseTeamMember, TelemetryConfigError, type TelemetryConfig } from '../core/telemetry/config';
import { TeamTelemetry } from '../core/telemetry/teamTelemetry';
import { UsageError } from './common';

export const TELEMETRY_FLAGS = {
  metrics: { type: 'string' },
  'metrics-allow-remote': { type: 'boolean', default: false },
  'otlp-endpoint': { type: 'string' },
  'team-member': { type: 'string' },
  'anthropic-status': { type: 'boolean', default: false },
} as const;

export const TELEMETRY_USAGE = `Team view (off unless asked; see the README's "Team view"):
  --metrics HOST:PORT     serve Prometheus metrics on http://HOST:PORT/metrics (HOST defaults to
                          127.0.0.1; any other than this machine's loopback needs
                          --metrics-allow-remote)
  --otlp-endpoint URL     push the same metrics over OTLP/HTTP to a collector (auth headers from
                          OTEL_EXPORTER_OTLP_HEADERS, interval from OTEL_METRIC_EXPORT_INTERVAL)
  --team-member NAME      label every measurement team.member=NAME
  --anthropic-status      ask Anthropic's status page while failing, to count incident matches`;

interface TelemetryFlagValues {
  metrics?: string;
  'metrics-allow-remote'?: boolean;
  'otlp-endpoint'?: string;
  'team-member'?: string;
}

/** The flags as a config (null: telemetry off); a bad value is bad usage, with what to do. */
export function telemetryConfigFromFlags(flags: TelemetryFlagValues): TelemetryConfig | null {
  try {
    const teamMember = parseTeamMember(flags['team-member'], '--team-member');
    if (flags.metrics === undefined && flags['otlp-endpoint'] === undefined) {
      if (teamMember !== null || flags['metrics-allow-remote']) throw new TelemetryConfigError('--team-member and --metrics-allow-remote go with --metrics or --otlp-endpoint');
      return null;
    }
    return {
      prometheus: flags.metrics !== undefined ? parseMetricsAddress(flags.metrics, flags['metrics-allow-remote'] === true) : null,
      otlpUrl: flags['otlp-endpoint'] !== undefined ? parseOtlpEndpoint(flags['otlp-endpoint'], '--otlp-endpoint') : null,
      teamMember,
    };
  } catch (error) {
    if (error instanceof TelemetryConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export function cliTeamTelemetry(options: { env: Record<string, string | undefined>; now: () => number; schedule: Schedule; log: SessionLog; quietPeriodMs: number }): TeamTelemetry {
  return new TeamTelemetry({ ...options, version, quietPeriodMs: () => options.quietPeriodMs });
}
