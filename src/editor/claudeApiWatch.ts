// The composition root: builds the session and the editor's adapters around it, and owns every
// disposable. Decisions live in the session (src/core/session); settings flow down into it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { realSchedule } from '../core/session/events';
import { WatchSession, type SessionState } from '../core/session/watchSession';
import type { StatusView } from '../core/statusView';
import type { TrackerSnapshot } from '../core/tracker';
import type { ApiFailureEvent } from '../core/types';
import { BugReports } from './bugReports';
import { registerCommands } from './commands';
import { showOutageNotice } from './notifications';
import { onDidChangeSettings, readSettings } from './settings';
import { StatusBarController } from './statusBar';

/**
 * What `activate()` returns: a read-only view for other extensions and for our in-editor tests,
 * which cannot see the status bar through the API.
 */
export interface ClaudeApiWatchApi {
  statusView(): StatusView;
  snapshot(): TrackerSnapshot;
  state(): SessionState;
  recentFailures(limit: number): ApiFailureEvent[];
  configDirs(): string[];
}

export function startClaudeApiWatch(context: vscode.ExtensionContext): ClaudeApiWatchApi {
  const own = <T extends vscode.Disposable>(disposable: T): T => {
    context.subscriptions.push(disposable);
    return disposable;
  };
  const log = own(vscode.window.createOutputChannel('Claude API Watch', { log: true }));
  let settings = readSettings(log);
  const session = own(
    new WatchSession({
      settings,
      workspaceFolders: workspaceFolders(),
      env: process.env,
      homedir: os.homedir(),
      exists: fs.existsSync,
      now: Date.now,
      schedule: realSchedule,
      log,
    }),
  );
  const statusBar = own(new StatusBarController());
  const packageJson = context.extension.packageJSON as { version: string; bugs?: { url?: string } };

  own(session.onDidChange((state) => statusBar.show(state.view)));
  own(session.onDidNotify((notice) => void showOutageNotice(notice)));
  own(onDidChangeSettings((changed) => session.configure((settings = changed)), log));
  own(vscode.workspace.onDidChangeWorkspaceFolders(() => session.setWorkspaceFolders(workspaceFolders())));
  for (const command of registerCommands({
    log,
    session,
    reports: new BugReports(session, packageJson.version),
    secrets: context.secrets,
    extensionId: context.extension.id,
    bugsUrl: packageJson.bugs?.url ?? 'https://github.com/claude-api-watch/claude-api-watch/issues',
    extensionVersion: packageJson.version,
    settings: () => settings,
  })) {
    own(command);
  }

  statusBar.show(session.state.view);
  session.start();
  log.info(`Claude API Watch ${packageJson.version} activated`);
  return {
    statusView: () => session.state.view,
    snapshot: () => session.state.snapshot,
    state: () => session.state,
    recentFailures: (limit) => session.recentFailures(limit),
    configDirs: () => [...session.configDirs],
  };
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}
