// The composition root: builds the session and the editor's adapters around it, and owns every
// disposable. Decisions live in the session (src/core/session); settings flow down into it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { IncidentSource, incidentLineForOutage } from '../core/health/incidents';
import { anthropicStatusApplies } from '../core/health/statusPage';
import type { HistoryIncident } from '../core/history/history';
import { realSchedule } from '../core/events';
import { followTranscripts } from '../core/session/transcriptSource';
import { WatchSession, type SessionNotice, type SessionState } from '../core/session/watchSession';
import { legacySettingName } from '../core/settingNames';
import { canFileReport, type StatusView } from '../core/statusView';
import type { TrackerSnapshot } from '../core/tracker';
import type { ApiFailureEvent } from '../core/types';
import { BugReports } from './bugReports';
import { registerCommands } from './commands';
import { HistoryPanelLoader } from './history/panelLoader';
import { trackContextKeys } from './contextKeys';
import { contentOf, showNotice } from './notifications';
import { ReportDocuments } from './reportDocument';
import { onDidChangeSettings, readSettings, type WatchSettings } from './settings';
import { offerSettingsMove } from './settingsMove';
import { StatusBarController } from './statusBar';
import { createEditorTelemetry } from './telemetry';

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
  /** What the failure history panel last drew, and its episodes. */
  historyPanel(): ReturnType<HistoryPanelLoader['lastDrawn']>;
  /** The context keys last set (the palette's `when` clauses). */
  contextKeys(): Record<string, boolean>;
  /** The settings as last read (from the new names, else the 0.1 names). */
  settings(): WatchSettings;
  /** When the session next updates by itself (see WatchSession.nextUpdateAt), for diagnostics. */
  nextUpdateAt(): number | null;
  /** The notifications shown so far (the last 20), oldest first: their words, buttons and failure. */
  notices(): ShownNotice[];
}

export interface ShownNotice {
  reason: SessionNotice['reason'];
  message: string;
  /** Button titles. */
  actions: string[];
  /** The failure it is about (a button's argument). */
  failure: ApiFailureEvent;
}

export function startClaudeApiWatch(context: vscode.ExtensionContext): ClaudeApiWatchApi {
  const own = <T extends vscode.Disposable>(disposable: T): T => {
    context.subscriptions.push(disposable);
    return disposable;
  };
  const log = own(vscode.window.createOutputChannel('Claude API Watch', { log: true }));
  let settings = readSettings(log);
  if (settings.legacyKeys.length > 0) log.info(`Settings under their 0.1 names apply: ${settings.legacyKeys.map(legacySettingName).join(', ')}`);
  const packageJson = context.extension.packageJSON as { version: string; bugs?: { url?: string } };
  // The team view (off unless the user set a collector): it tees the session's source and reads its state.
  const telemetry = own(createEditorTelemetry({ log, version: packageJson.version, schedule: realSchedule, quietPeriodMs: () => settings.quietPeriodMs }));
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
      remote: vscode.env.remoteName !== undefined,
      source: telemetry.wrapSource(followTranscripts),
    }),
  );
  const statusBar = own(new StatusBarController());
  own(session.onDidChange((state) => telemetry.onState(state)));

  own(session.onDidChange((state) => statusBar.show(state.view)));
  const history = own(createHistoryPanels(context, session, log));
  const reports = new BugReports(session, packageJson.version, history);
  const contextKeys = own(
    trackContextKeys(session, context.secrets, () => {
      const about = reports.subject();
      return !!about && canFileReport(about.subject);
    }),
  );
  const shown: ShownNotice[] = [];
  own(
    session.onDidNotify((notice) => {
      const { message, actions } = contentOf(notice);
      shown.push({ reason: notice.reason, message, actions: actions.map(([title]) => title), failure: notice.failure });
      if (shown.length > 20) shown.shift();
      void showNotice(notice, session);
    }),
  );
  own(onDidChangeSettings((changed) => session.configure((settings = changed)), log));
  own(offerSettingsMove({ globalState: context.globalState, log }));
  own(vscode.workspace.onDidChangeWorkspaceFolders(() => session.setWorkspaceFolders(workspaceFolders())));
  own(session.onDidChange(() => history.panels.onNewEvent()));
  for (const command of registerCommands({
    log,
    session,
    reports,
    showFailureHistory: () => history.panels.show(),
    reportDocuments: own(new ReportDocuments()),
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
  void telemetry.apply();
  log.info(`Claude API Watch ${packageJson.version} activated`);
  return {
    statusView: () => session.state.view,
    snapshot: () => session.state.snapshot,
    state: () => session.state,
    recentFailures: (limit) => session.recentFailures(limit),
    configDirs: () => [...session.configDirs],
    contextKeys: () => Object.fromEntries(contextKeys.values),
    historyPanel: () => history.panels.lastDrawn(),
    settings: () => settings,
    nextUpdateAt: () => session.nextUpdateAt,
    notices: () => [...shown],
  };
}

/**
 * The failure history: its panel, its index (in the extension's global storage, one per set of
 * config dirs) and Anthropic's incidents (at most every 5 minutes, only where the status page applies).
 */
function createHistoryPanels(context: vscode.ExtensionContext, session: WatchSession, log: vscode.LogOutputChannel) {
  let incidentSource: IncidentSource | null = null;
  const incidents = async (): Promise<{ incidents: HistoryIncident[] } | { note: string }> => {
    const { anthropicStatusEnabled, anthropicStatusUrl, healthBaseUrl } = session.settings;
    if (!anthropicStatusApplies(session.environments.forConfigDir(), anthropicStatusEnabled, healthBaseUrl || null)) {
      return { note: vscode.l10n.t("Anthropic's status page is not asked (its setting is off, or Claude Code uses Bedrock, Vertex, Foundry or a gateway).") };
    }
    if (incidentSource?.summaryUrl !== anthropicStatusUrl) incidentSource = new IncidentSource({ enabled: true, summaryUrl: anthropicStatusUrl });
    const answer = await incidentSource.get();
    if (answer?.kind === 'reported') return { incidents: answer.incidents };
    return { note: vscode.l10n.t("Anthropic's incidents are unknown ({0}).", answer?.reason ?? 'no answer') };
  };
  const panels = new HistoryPanelLoader({
    extensionUri: context.extensionUri,
    log,
    configDirs: () => session.configDirs,
    storageDir: context.globalStorageUri.fsPath,
    incidents,
    quietPeriodMs: () => session.settings.quietPeriodMs,
    defaultScope: () => session.settings.scope,
  });
  return {
    panels,
    outageAround: (chosen: ApiFailureEvent) => panels.outageAround(chosen),
    anthropicIncident: async (events: ApiFailureEvent[]) => {
      const known = await incidents();
      return 'incidents' in known ? incidentLineForOutage(events, known.incidents, Date.now()) : null;
    },
    dispose: () => panels.dispose(),
  };
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}
