// The composition root: builds every piece, wires them, and owns every disposable.
// Data flows one way: transcripts → events → tracker → status bar / notification.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandId } from '../core/commandIds';
import { resolveConfigDirs } from '../core/files/configDir';
import { summarizeHealth, type ApiHealthResult } from '../core/health/apiHealth';
import { claudeEnvironment } from '../core/claudeEnv';
import { readClaudeSettingsEnv } from '../core/report/environment';
import { anthropicStatusApplies, AnthropicStatusMonitor, describeAnthropicStatus, type AnthropicStatus } from '../core/health/statusPage';
import { isCwdInScope } from '../core/scope';
import { renderStatus, type AnthropicStatusSummary, type StatusView } from '../core/statusView';
import { FailureTracker, type TrackerSnapshot } from '../core/tracker';
import type { ApiEvent, ApiFailureEvent } from '../core/types';
import { BugReports } from './bugReports';
import { registerCommands } from './commands';
import { onDidChangeSettings, readSettings, type WatchSettings } from './settings';
import { StatusBarController } from './statusBar';
import { TranscriptMonitor } from './transcriptMonitor';

/**
 * What `activate()` returns: a read-only view for other extensions and for our in-editor tests,
 * which cannot see the status bar through the API.
 */
export interface ClaudeApiWatchApi {
  statusView(): StatusView | undefined;
  snapshot(): TrackerSnapshot;
  recentFailures(limit: number): ApiFailureEvent[];
  configDirs(): string[];
}

/** Relative times in the tooltip ("2 min ago") go stale: refresh them this often while failing. */
const TOOLTIP_REFRESH_MS = 30_000;

export class ClaudeApiWatch implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('Claude API Watch', { log: true });
  private settings: WatchSettings = readSettings(this.log);
  private configDirs: string[] = [];
  private tracker!: FailureTracker;
  private readonly trackerSubscriptions: Array<() => void> = [];
  private readonly statusBar = new StatusBarController();
  private readonly monitor = new TranscriptMonitor(this.log, (event) => this.tracker.record(event));
  private statusPage!: AnthropicStatusMonitor;
  private lastHealth: ApiHealthResult | null = null;
  private lastLoggedState: TrackerSnapshot['state'] = 'healthy';
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** `outageStartedAt` of the outage last announced by a notification. */
  private announcedOutageStart: number | null = null;
  private readonly disposables: vscode.Disposable[] = [this.log, this.statusBar, this.monitor];

  constructor(context: vscode.ExtensionContext) {
    const packageJson = context.extension.packageJSON as { version: string; bugs?: { url?: string } };
    const reports = new BugReports(
      {
        currentOutage: () => this.tracker.currentOutage(),
        recentFailures: () => this.tracker.recentFailures(500),
        configDirs: () => this.configDirs,
        quietPeriodMs: () => this.settings.quietPeriodMs,
        healthSummary: () => (this.lastHealth ? summarizeHealth(this.lastHealth) : null),
        anthropicStatusSummary: () => {
          const status = this.statusPage.current();
          return status ? describeAnthropicStatus(status, this.tracker.snapshot().state !== 'healthy') : null;
        },
      },
      packageJson.version,
    );
    this.disposables.push(
      ...registerCommands({
        log: this.log,
        reports,
        secrets: context.secrets,
        extensionId: context.extension.id,
        bugsUrl: packageJson.bugs?.url ?? 'https://github.com/claude-api-watch/claude-api-watch/issues',
        settings: () => this.settings,
        recentFailures: (limit) => this.tracker.recentFailures(limit),
        currentFailure: () => this.tracker.snapshot().failure,
        clearIndicator: () => this.tracker.clear(),
        recordHealth: (result) => (this.lastHealth = result),
      }),
      onDidChangeSettings((settings) => this.applySettings(settings), this.log),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.tracker.setScope(this.scopeFilter())),
    );
  }

  readonly api: ClaudeApiWatchApi = {
    statusView: () => this.statusBar.current,
    snapshot: () => this.tracker.snapshot(),
    recentFailures: (limit) => this.tracker.recentFailures(limit),
    configDirs: () => [...this.configDirs],
  };

  /** Starts watching. Returns at once: nothing here waits on the disk or the network. */
  start(): void {
    this.startWatching();
    this.startStatusPage();
  }

  private startWatching(): void {
    this.configDirs = resolveConfigDirs({
      explicit: this.settings.configDir || null,
      env: process.env,
      homedir: os.homedir(),
      exists: fs.existsSync,
    });
    this.replaceTracker();
    this.monitor.start(this.configDirs, this.settings.lookbackMs);
  }

  private replaceTracker(): void {
    for (const unsubscribe of this.trackerSubscriptions.splice(0)) unsubscribe();
    const clearedThrough = this.tracker?.clearedThrough;
    this.tracker = new FailureTracker({
      clearedThrough,
      now: Date.now,
      quietPeriodMs: this.settings.quietPeriodMs,
      // Recent failures and reports reach back as far as the transcripts read at start-up.
      historyMs: this.settings.lookbackMs,
      isInScope: this.scopeFilter(),
    });
    this.trackerSubscriptions.push(
      this.tracker.subscribe((snapshot) => this.onTrackerChanged(snapshot)),
      this.tracker.onOutageStarted((snapshot) => void this.notifyOutage(snapshot)),
    );
    this.render();
  }

  private startStatusPage(): void {
    this.statusPage?.dispose();
    const { anthropicStatusEnabled, anthropicStatusUrl, healthBaseUrl } = this.settings;
    const applies = (env: Record<string, string | undefined>) => anthropicStatusApplies(env, anthropicStatusEnabled, healthBaseUrl || null);
    const statusPage = new AnthropicStatusMonitor({ enabled: applies(process.env), url: anthropicStatusUrl });
    this.statusPage = statusPage;
    // A provider or gateway set in Claude Code's settings.json counts too: its users never ask Anthropic's page.
    void readClaudeSettingsEnv(this.configDirs[0] ?? '').then((settingsEnv) => {
      if (!this.disposed) statusPage.setEnabled(applies(claudeEnvironment(process.env, settingsEnv)));
    });
    this.statusPage.onChange((status) => {
      if (status) this.log.info(`Anthropic status: ${describeAnthropicStatus(status, this.isFailing())}`);
      this.render();
    });
  }

  private applySettings(settings: WatchSettings): void {
    const previous = this.settings;
    this.settings = settings;
    this.log.info('Settings changed; applying them');
    if (
      settings.configDir !== previous.configDir ||
      settings.lookbackMs !== previous.lookbackMs ||
      settings.quietPeriodMs !== previous.quietPeriodMs
    ) {
      // The tracker's periods are fixed at construction: rebuild it from a fresh read.
      this.startWatching();
    } else if (settings.scope !== previous.scope) {
      this.tracker.setScope(this.scopeFilter());
    }
    if (
      settings.anthropicStatusEnabled !== previous.anthropicStatusEnabled ||
      settings.anthropicStatusUrl !== previous.anthropicStatusUrl ||
      settings.healthBaseUrl !== previous.healthBaseUrl
    ) {
      this.startStatusPage();
      this.statusPage.setFailing(this.isFailing());
    }
    this.render();
  }

  private scopeFilter(): (event: ApiEvent) => boolean {
    if (this.settings.scope === 'all') return () => true;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    return (event) => isCwdInScope(event.cwd, folders, process.platform);
  }

  private isFailing(): boolean {
    const { state } = this.tracker.snapshot();
    return state === 'failing' || state === 'retrying';
  }

  private onTrackerChanged(snapshot: TrackerSnapshot): void {
    if (snapshot.state !== this.lastLoggedState) {
      const failure = snapshot.failure;
      const detail = failure ? ` — ${failure.message}${failure.requestId ? ` (${failure.requestId})` : ''}` : '';
      this.log.info(`State: ${this.lastLoggedState} → ${snapshot.state}${detail}`);
      this.lastLoggedState = snapshot.state;
    }
    this.statusPage.setFailing(snapshot.state === 'failing' || snapshot.state === 'retrying');
    this.render();
  }

  private render(): void {
    if (!this.tracker) return;
    const snapshot = this.tracker.snapshot();
    this.statusBar.show(
      renderStatus(snapshot, {
        showWhenHealthy: this.settings.showWhenHealthy,
        now: Date.now(),
        anthropicStatus: this.statusPage ? toStatusSummary(this.statusPage.current()) : null,
      }),
    );
    this.scheduleNextRender(snapshot);
  }

  /** One timer: the tracker's next time-based change, or a tooltip refresh while not healthy. */
  private scheduleNextRender(snapshot: TrackerSnapshot): void {
    clearTimeout(this.timer);
    const transitionAt = this.tracker.nextTransitionAt();
    const candidates = [transitionAt === null ? Infinity : transitionAt - Date.now()];
    if (snapshot.state !== 'healthy') candidates.push(TOOLTIP_REFRESH_MS);
    const delay = Math.min(...candidates);
    if (!Number.isFinite(delay)) return;
    this.timer = setTimeout(() => {
      this.tracker.tick();
      this.render();
    }, Math.max(50, delay));
  }

  private async notifyOutage(snapshot: TrackerSnapshot): Promise<void> {
    const failure = snapshot.failure;
    // A tracker rebuilt after a settings change re-reads the same outage: it was announced already.
    if (snapshot.outageStartedAt !== null && snapshot.outageStartedAt === this.announcedOutageStart) return;
    this.announcedOutageStart = snapshot.outageStartedAt;
    if (!this.settings.notifications || !failure) return;
    const t = vscode.l10n.t;
    const copy = t('Copy Bug Report');
    const open = t('Open GitHub Issue');
    const mute = t("Don't Show Again");
    const message =
      failure.kind === 'retry'
        ? t('Claude Code is retrying after an API error: {0}', failure.message)
        : t('Claude Code API failure: {0}', failure.message);
    const choice = await vscode.window.showWarningMessage(message, copy, open, mute);
    if (choice === copy) await vscode.commands.executeCommand(CommandId.copyBugReport);
    else if (choice === open) await vscode.commands.executeCommand(CommandId.openGitHubIssue);
    else if (choice === mute) await vscode.workspace.getConfiguration('claudeApiWatch').update('notifications', false, vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const unsubscribe of this.trackerSubscriptions.splice(0)) unsubscribe();
    this.statusPage?.dispose();
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}

function toStatusSummary(status: AnthropicStatus | null): AnthropicStatusSummary | 'unknown' | null {
  if (!status) return null;
  if (status.kind === 'unknown') return 'unknown';
  return {
    indicator: status.indicator,
    description: status.description,
    incidents: status.incidents.map((incident) => ({ name: incident.name, status: incident.status, url: incident.url ?? undefined })),
  };
}
