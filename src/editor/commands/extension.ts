// Show Log and Report a Problem: about this extension itself.
import * as vscode from 'vscode';
import { CommandId } from '../../core/commandIds';
import { openUrl, type CommandContext, type CommandHandler } from './context';

export function extensionCommands(ctx: CommandContext) {
  return {
    [CommandId.showLog]: () => ctx.log.show(),
    [CommandId.reportExtensionProblem]: async () => {
      try {
        await vscode.commands.executeCommand('workbench.action.openIssueReporter', { extensionId: ctx.extensionId });
      } catch {
        // Some forks have no issue reporter.
        await openUrl(`${ctx.bugsUrl.replace(/\/$/, '')}/new`);
      }
    },
  } satisfies Record<string, CommandHandler>;
}
