// Every command the extension contributes. To add one: its id in core/commandIds.ts and
// package.json, its handler in a file here (one per command or small group), spread below.
// `CommandHandlers` is a Record over every id: a command without a handler does not compile.
import * as vscode from 'vscode';
import { actionCommands } from './actions';
import type { CommandContext, CommandHandlers } from './context';
import { diagnosticsCommands, DiagnosticsDocument } from './diagnostics';
import { extensionCommands } from './extension';
import { failureCommands } from './failures';
import { healthCommands } from './health';
import { historyCommands } from './history';
import { reportCommands } from './reports';
import { resumeCommands } from './resume';
import { settingsCommands } from './settings';

export type { CommandContext } from './context';

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const handlers: CommandHandlers = {
    ...reportCommands(ctx),
    ...failureCommands(ctx),
    ...healthCommands(ctx),
    ...historyCommands(ctx),
    ...extensionCommands(ctx),
    ...diagnosticsCommands(ctx),
    ...actionCommands(ctx),
    ...settingsCommands(ctx),
    ...resumeCommands(ctx),
  };
  const documents = vscode.workspace.registerTextDocumentContentProvider(DiagnosticsDocument.scheme, new DiagnosticsDocument());
  const commands = Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        // A command never takes the extension host down; the user gets one clear line.
        ctx.log.error(`Command ${id} failed`, error);
        void vscode.window.showErrorMessage(vscode.l10n.t('Claude API Watch: {0}', error instanceof Error ? error.message : String(error)));
        return undefined;
      }
    }),
  );
  return [documents, ...commands];
}
