// Check API Health (through Claude Code's own environment), the API key it may use, Anthropic's status page.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { checkApiHealth, headlineHealth, summarizeHealth, type ApiHealthResult } from '../../core/health/apiHealth';
import { openUrl, type CommandContext, type CommandHandler } from './context';

const t = vscode.l10n.t;
export const API_KEY_SECRET = 'claudeApiWatch.anthropicApiKey';
const ANTHROPIC_STATUS_PAGE = 'https://status.claude.com';

async function checkHealth(ctx: CommandContext): Promise<ApiHealthResult | undefined> {
  const plan = await ctx.session.healthPlan();
  if (plan.kind === 'provider') {
    // Bedrock, Vertex, Foundry: probing api.anthropic.com would answer a question nobody asked.
    ctx.log.info(`Health check: ${plan.message}`);
    const open = t('Open {0} Status', plan.provider);
    if ((await vscode.window.showInformationMessage(plan.message, open)) === open) await openUrl(plan.statusPage);
    return undefined;
  }
  const { target, note } = plan;
  const apiKey = (await ctx.secrets.get(API_KEY_SECRET)) ?? process.env.ANTHROPIC_API_KEY ?? null;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t('Checking the Anthropic API at {0}…', target.baseURL) },
    () => checkApiHealth({ baseURL: target.baseURL, apiKey }),
  );
  ctx.session.recordHealth(result);
  ctx.log.info(`Health check: ${summarizeHealth(result)}`);
  const line = `${headlineHealth(result)}${result.requestId ? ` (${result.requestId})` : ''}`;
  const message = note ? `${line}. ${note}` : line;
  if (result.verdict === 'up') {
    void vscode.window.showInformationMessage(message);
    return result;
  }
  // Not up: try again (the network may be back), or read what was tried.
  const retry = t('Retry');
  const showLog = t('Show Log');
  void vscode.window.showWarningMessage(message, retry, showLog).then((choice) => {
    if (choice === retry) void vscode.commands.executeCommand(CommandId.checkApiHealth);
    else if (choice === showLog) void vscode.commands.executeCommand(CommandId.showLog);
  });
  return result;
}

async function storeApiKey(ctx: CommandContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: t('Anthropic API key for health checks'),
    prompt: t('Kept in the editor\'s secret storage, never in settings. Used only by "Check API Health".'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim().length < 10 ? t('That does not look like an API key.') : undefined),
  });
  if (!key) return;
  await ctx.secrets.store(API_KEY_SECRET, key.trim());
  void vscode.window.showInformationMessage(t('API key stored for health checks.'));
}

export function healthCommands(ctx: CommandContext) {
  return {
    [CommandId.checkApiHealth]: () => checkHealth(ctx),
    [CommandId.storeApiKey]: () => storeApiKey(ctx),
    [CommandId.clearApiKey]: async () => {
      await ctx.secrets.delete(API_KEY_SECRET);
      void vscode.window.showInformationMessage(t('Stored API key forgotten.'));
    },
    [CommandId.openAnthropicStatus]: () => openUrl(ANTHROPIC_STATUS_PAGE),
  } satisfies Record<string, CommandHandler>;
}
