// `claude-api-watch health`: is it me or Anthropic? One API check plus what the status page says,
// for the environment Claude Code runs with (the process plus the config dir's settings.json).
import { ClaudeEnvironments } from '../core/claudeEnv';
import {
  checkApiHealth,
  headlineHealth,
  planHealthCheckIn,
  summarizeHealth,
  type ApiHealthResult,
  type HealthTarget,
} from '../core/health/apiHealth';
import { DEFAULT_HEALTH_TIMEOUT_MS } from '../core/health/healthCheck';
import {
  DEFAULT_STATUS_SUMMARY_URL,
  describeAnthropicStatus,
  describeComponentStatus,
  fetchAnthropicStatus,
  type AnthropicStatus,
} from '../core/health/statusPage';
import { configDirsFor, ExitCode, parseFlags, runCommand, UsageError, type CliIo } from './common';
import { isHttpUrl, statusUrlFrom } from './incidents';

export type HealthCommandIo = Pick<CliIo, 'stdout' | 'stderr' | 'env'>;

export const HEALTH_USAGE = `Usage: claude-api-watch health [--config-dir DIR] [--base-url URL] [--api-key-env NAME]
                              [--timeout MS] [--status-url URL | --no-status] [--json]

Asks the API Claude Code uses for its model list (no tokens spent) and, unless --no-status,
Anthropic's status page. Without a key the API's 401 still shows it is up. Claude Code's
environment is read as it reads it: this process's, plus the "env" block of the config dir's
settings.json. When that sends Claude Code to Bedrock, Vertex or Foundry, the Anthropic check
does not apply and is not run (unless --base-url names what to check).

  --config-dir DIR     Claude Code's config dir (default: $CLAUDE_CONFIG_DIR, else ~/.claude)
  --base-url URL       API to check (default: ANTHROPIC_BASE_URL, else https://api.anthropic.com)
  --api-key-env NAME   environment variable holding the key (default: ANTHROPIC_API_KEY, if set)
  --timeout MS         per request (default: ${DEFAULT_HEALTH_TIMEOUT_MS})
  --status-url URL     Statuspage summary.json (default: ${DEFAULT_STATUS_SUMMARY_URL})
  --no-status          do not ask the status page
  --json               print {"api": ..., "anthropicStatus": ..., "summary": ..., "note": ...}

Exit status: 0 when the check ran, whatever it found; 2 for bad usage; 1 if the tool itself failed.
`;

interface HealthPlan {
  target: HealthTarget;
  note: string | null;
  apiKey: string | null;
  keySource: string;
  timeoutMs: number;
  statusUrl: string | null;
  json: boolean;
}

type NotApplicable = { kind: 'provider'; message: string; statusPage: string; json: boolean };

async function planFrom(args: string[], processEnv: HealthCommandIo['env']): Promise<HealthPlan | NotApplicable | 'help'> {
  const values = parseFlags(args, {
    'config-dir': { type: 'string' },
    'base-url': { type: 'string' },
    'api-key-env': { type: 'string' },
    timeout: { type: 'string' },
    'status-url': { type: 'string' },
    'no-status': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';

  const environments = new ClaudeEnvironments(processEnv);
  await environments.load(configDirsFor(values['config-dir'], processEnv));
  const healthPlan = planHealthCheckIn(environments, values['base-url']);
  if (healthPlan.kind === 'provider') return { ...healthPlan, json: Boolean(values.json) };
  const { target, note } = healthPlan;
  if (!isHttpUrl(target.baseURL)) {
    const from = target.source === 'setting' ? '--base-url' : target.source;
    throw new UsageError(`${from} is not an http(s) URL: ${target.baseURL}`);
  }

  const keyVariable = values['api-key-env'];
  if (keyVariable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyVariable)) {
    throw new UsageError(`--api-key-env takes a variable name, got '${keyVariable}'`);
  }
  const variable = keyVariable ?? 'ANTHROPIC_API_KEY';
  const apiKey = environments.forConfigDir()[variable]?.trim() || null;
  if (keyVariable !== undefined && apiKey === null) throw new UsageError(`${keyVariable} is not set`);

  let timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    timeoutMs = /^\d+$/.test(values.timeout) ? Number(values.timeout) : NaN;
    if (!(timeoutMs >= 1 && timeoutMs <= 600_000)) {
      throw new UsageError(`--timeout takes milliseconds from 1 to 600000, got '${values.timeout}'`);
    }
  }

  const statusUrl = statusUrlFrom(values);

  return {
    target,
    note,
    apiKey,
    keySource: apiKey ? variable : `none (${variable} is not set)`,
    timeoutMs,
    statusUrl,
    json: Boolean(values.json),
  };
}

function targetLabel(target: HealthTarget): string {
  const source = { setting: '--base-url', ANTHROPIC_BASE_URL: 'ANTHROPIC_BASE_URL', default: 'default' }[target.source];
  return `${target.baseURL} (${source})`;
}

function formatReport(plan: HealthPlan, api: ApiHealthResult, status: AnthropicStatus | null, note: string | null): string {
  const answer =
    api.httpStatus === null
      ? `no HTTP answer${api.networkCode ? ` (${api.networkCode})` : ''}`
      : [api.httpStatus, api.errorType].filter((part) => part !== null).join(' ');
  const lines = [
    headlineHealth(api),
    `  target   ${targetLabel(plan.target)}`,
    `  answer   ${answer}${api.requestId ? `, request ${api.requestId}` : ''}, ${api.latencyMs} ms, at ${api.checkedAt}`,
    `  key      ${plan.keySource}`,
  ];
  if (note) lines.push(`  note     ${note}`);
  if (status) {
    lines.push(`Status page: ${describeAnthropicStatus(status, api.verdict !== 'up')}`);
    if (status.kind === 'reported') {
      for (const incident of status.incidents) {
        const link = incident.url ? ` ${incident.url}` : '';
        lines.push(`  incident  ${incident.name} (${incident.status}, ${incident.impact} impact)${link}`);
      }
      const affected = status.components.filter((component) => component.status !== 'operational');
      for (const component of affected) lines.push(`  component ${component.name}: ${describeComponentStatus(component.status)}`);
      if (!affected.length && status.components.length) {
        lines.push(`  components all operational (${status.components.map((component) => component.name).join(', ')})`);
      }
    }
  }
  lines.push(`For a bug report: ${summarizeHealth(api)}`);
  return lines.join('\n') + '\n';
}

export function runHealthCommand(args: string[], io: HealthCommandIo): Promise<number> {
  return runCommand('health', HEALTH_USAGE, io, () => health(args, io));
}

async function health(args: string[], io: HealthCommandIo): Promise<number> {
  const plan = await planFrom(args, io.env);
  if (plan === 'help') {
    io.stdout(HEALTH_USAGE);
    return ExitCode.ok;
  }
  if ('kind' in plan) {
    // Bedrock, Vertex, Foundry: probing api.anthropic.com would answer a question nobody asked.
    if (plan.json) {
      io.stdout(JSON.stringify({ api: null, anthropicStatus: null, summary: null, note: plan.message, providerStatusPage: plan.statusPage }, null, 2) + '\n');
    } else {
      io.stdout(`${plan.message}\n  status   ${plan.statusPage}\n`);
    }
    return ExitCode.ok;
  }
  const { target, apiKey, timeoutMs, statusUrl, note } = plan;
  const [api, anthropicStatus] = await Promise.all([
    checkApiHealth({ baseURL: target.baseURL, apiKey, timeoutMs }),
    statusUrl === null ? Promise.resolve(null) : fetchAnthropicStatus(statusUrl, { timeoutMs }),
  ]);
  if (plan.json) {
    io.stdout(JSON.stringify({ api, anthropicStatus, summary: summarizeHealth(api), note }, null, 2) + '\n');
  } else {
    io.stdout(formatReport(plan, api, anthropicStatus, note));
  }
  return ExitCode.ok;
}
