// What every command handler may use, and the shape that makes a missing handler a compile error.
import * as vscode from 'vscode';
import type { CommandId } from '../../core/commandIds';
import type { WatchSession } from '../../core/session/watchSession';
import type { BugReports } from '../bugReports';
import type { ReportDocuments } from '../reportDocument';
import type { WatchSettings } from '../settings';

export interface CommandContext {
  readonly log: vscode.LogOutputChannel;
  readonly session: WatchSession;
  readonly reports: BugReports;
  readonly reportDocuments: ReportDocuments;
  readonly secrets: vscode.SecretStorage;
  readonly extensionId: string;
  readonly bugsUrl: string;
  readonly extensionVersion: string;
  settings(): WatchSettings;
  /** Opens (or brings forward) the failure history panel. */
  showFailureHistory(): void;
}

// Handlers take whatever arguments their callers pass (a failure from Recent Failures, nothing from the palette).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/** Every contributed command: a command id without a handler does not compile. */
export type CommandHandlers = Record<CommandId, CommandHandler>;

/** `openExternal` is given the string itself: a Uri.parse round trip double-encodes `%23` and `+`. */
export function openUrl(url: string): Thenable<boolean> {
  return vscode.env.openExternal(url as unknown as vscode.Uri);
}
