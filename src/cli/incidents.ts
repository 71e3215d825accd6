// The status page flags `health`, `history` and `report` share, and asking Anthropic's incident history under
// the status bar's rule: never for Bedrock, Vertex, Foundry or a gateway (their incidents are not Anthropic's).
import { ClaudeEnvironments } from '../core/claudeEnv';
import { fetchAnthropicIncidents, incidentsUrlFor, type IncidentHistory } from '../core/health/incidents';
import { anthropicStatusApplies, DEFAULT_STATUS_SUMMARY_URL } from '../core/health/statusPage';
import { UsageError, type CliIo } from './common';

/** For `parseFlags`. */
export const STATUS_FLAGS = {
  'status-url': { type: 'string' },
  'no-status': { type: 'boolean', default: false },
} as const;

export const STATUS_FLAGS_USAGE = `  --status-url URL     Statuspage summary.json; incidents.json beside it is asked
                       (default: ${DEFAULT_STATUS_SUMMARY_URL})
  --no-status          do not ask the status page`;

export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The summary.json URL the flags ask for, or null for `--no-status`. */
export function statusUrlFrom(values: { 'status-url'?: string | boolean; 'no-status'?: string | boolean }): string | null {
  if (values['no-status'] && values['status-url'] !== undefined) throw new UsageError('--status-url and --no-status exclude each other');
  const statusUrl = values['no-status'] ? null : ((values['status-url'] as string | undefined) ?? DEFAULT_STATUS_SUMMARY_URL);
  if (statusUrl !== null && !isHttpUrl(statusUrl)) throw new UsageError(`--status-url is not an http(s) URL: ${statusUrl}`);
  return statusUrl;
}

/**
 * Anthropic's incident history, or null when not asked (`--no-status`, or Claude Code does not use
 * Anthropic's own API here). What went wrong goes to stderr as one line; `quiet` leaves out the
 * "not asked" line (for JSON output).
 */
export async function askIncidents(command: string, statusUrl: string | null, configDirs: string[], io: CliIo, quiet = false): Promise<IncidentHistory | null> {
  if (statusUrl === null) return null;
  const environments = new ClaudeEnvironments(io.env);
  await environments.load(configDirs.slice(0, 1));
  const env = environments.forConfigDir();
  if (!anthropicStatusApplies(env, true)) {
    if (!quiet) io.stderr(`claude-api-watch ${command}: Claude Code does not use Anthropic's own API here; its status page is not asked.`);
    return null;
  }
  const incidents = await fetchAnthropicIncidents(incidentsUrlFor(statusUrl));
  if (incidents.kind === 'unknown') io.stderr(`claude-api-watch ${command}: Anthropic's incidents unknown (${incidents.reason})`);
  return incidents;
}
