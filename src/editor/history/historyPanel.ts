// "Claude API Watch: Show Failure History": the webview panel. The editor side only wires: the
// history comes from the core (index, episodes, incidents), the drawing from the webview script.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { CommandId, HISTORY_VIEW_TYPE } from '../../core/commandIds';
import { ConfigDirError } from '../../core/files/discover';
import { buildHistory, type History, type HistoryIncident } from '../../core/history/history';
import type { HistoryStore } from '../../core/history/historyStore';
import { toPanelData } from '../../core/history/panelData';
import { panelHtml } from '../../core/history/panelHtml';
import {
  PANEL_RANGES,
  PANEL_SCOPES,
  parseWebviewMessage,
  RANGE_BUCKET,
  RANGE_MS,
  type HostMessage,
  type PanelData,
  type PanelRange,
  type PanelScope,
  type WebviewMessage,
} from '../../core/history/panelProtocol';
import { localTimeZone } from '../../core/history/time';
import { isCwdInScope } from '../../core/scope';
import { openConfigDirSetting } from '../../core/statusView';
import type { ApiFailureEvent } from '../../core/types';

export interface HistoryPanelHost {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  store(): HistoryStore;
  /** Anthropic's incidents, asked now if the rules allow (null: not asked, or no answer). */
  incidents(): Promise<{ incidents: HistoryIncident[] } | { note: string }>;
  quietPeriodMs(): number;
  defaultScope(): PanelScope;
}

/** What the webview last said it drew (tests read it through the extension's API). */
export interface DrawnHistory {
  failures: number;
  retries: number;
  episodes: number;
  incidents: number;
}

interface PanelState {
  range: PanelRange;
  scope: PanelScope;
}

const LIVE_UPDATE_DELAY_MS = 1000;
const DEFAULT_RANGE: PanelRange = '7d';

export class HistoryPanels implements vscode.Disposable {
  #panel: vscode.WebviewPanel | null = null;
  #state: PanelState;
  #history: History | null = null;
  #data: PanelData | null = null;
  #drawn: DrawnHistory | null = null;
  #pending: NodeJS.Timeout | undefined;
  #updating: Promise<void> | null = null;
  #again = false;

  constructor(private readonly host: HistoryPanelHost) {
    this.#state = { range: DEFAULT_RANGE, scope: host.defaultScope() };
  }

  /** A panel VS Code restored after a reload (the loader registered its serializer at activation). */
  adopt(panel: vscode.WebviewPanel, state: unknown): void {
    this.#adopt(panel, readState(state) ?? this.#state);
  }

  /** Opens the panel, or brings it forward. */
  show(): void {
    if (this.#panel) {
      this.#panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(HISTORY_VIEW_TYPE, vscode.l10n.t('Claude API History'), vscode.ViewColumn.Active, webviewOptions(this.host.extensionUri));
    // A new panel starts from the settings (claudeAPIWatch.scope), not from the last panel's toggles.
    this.#adopt(panel, { range: DEFAULT_RANGE, scope: this.host.defaultScope() });
  }

  /** The last thing the webview reported drawing, and the episodes with their incident (for tests). */
  lastDrawn(): { drawn: DrawnHistory | null; episodes: Array<{ family: string; start: string; failures: number; retries: number; incident: string | null }> } {
    return {
      drawn: this.#drawn,
      episodes: (this.#history?.episodes ?? []).map((episode) => ({
        family: episode.family,
        start: new Date(episode.startAt).toISOString(),
        failures: episode.failures,
        retries: episode.retries,
        incident: episode.incident?.name ?? null,
      })),
    };
  }

  /** The episode of the panel's history holding `chosen` (by its line), for a report on it. */
  outageAround(chosen: ApiFailureEvent): ApiFailureEvent[] | null {
    const episode = this.#history?.episodes.find((candidate) => candidate.events.some((event) => event.file === chosen.file && event.line === chosen.line));
    return episode ? episode.events : null;
  }

  /** A failure or retry was just read: refresh the open panel shortly (several in a row make one update). */
  onNewEvent(): void {
    if (!this.#panel) return;
    clearTimeout(this.#pending);
    this.#pending = setTimeout(() => void this.#update(), LIVE_UPDATE_DELAY_MS);
  }

  #adopt(panel: vscode.WebviewPanel, state: PanelState): void {
    this.#panel = panel;
    this.#state = state;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview')] };
    panel.iconPath = vscode.Uri.joinPath(this.host.extensionUri, 'media', 'icon.png');
    panel.webview.html = html(panel.webview, this.host.extensionUri, state);
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => void this.#onMessage(parseWebviewMessage(message))),
      panel.onDidChangeViewState(() => panel.visible && void this.#update()),
    ];
    panel.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.#panel === panel) this.#panel = null;
      clearTimeout(this.#pending);
    });
  }

  async #onMessage(message: WebviewMessage | null): Promise<void> {
    if (!message) return;
    try {
      switch (message.type) {
        case 'ready':
          this.#state = { range: message.range, scope: message.scope };
          return await this.#update();
        case 'setRange':
          this.#state = { ...this.#state, range: message.range };
          return await this.#update();
        case 'setScope':
          this.#state = { ...this.#state, scope: message.scope };
          return await this.#update();
        case 'drawn':
          this.#drawn = { failures: message.failures, retries: message.retries, episodes: message.episodes, incidents: message.incidents };
          return;
        case 'copyText':
          await vscode.env.clipboard.writeText(message.text);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', message.text), 3000);
          return;
        case 'copySummary':
          return await this.#copySummary();
        case 'openIncidentPage': {
          const url = this.#data?.incidents[message.incident]?.url;
          // A string, not a Uri: a Uri.parse round trip double-encodes `%23` and `+`.
          if (url) await vscode.env.openExternal(url as unknown as vscode.Uri);
          return;
        }
        case 'action':
          if (message.action === 'openConfigDirSetting') {
            // The setting is machine-scoped: a remote window shows it only under the Remote tab.
            const open = openConfigDirSetting(vscode.env.remoteName !== undefined);
            await vscode.commands.executeCommand(open.command, ...(open.args ?? []));
          } else if (message.action === 'runDiagnostics') {
            await vscode.commands.executeCommand(CommandId.runDiagnostics);
          } else {
            await this.#update();
          }
          return;
      }
      const episode = this.#history?.episodes[message.episode];
      if (!episode) return;
      if (message.type === 'copyRequestIds') {
        await vscode.env.clipboard.writeText(episode.requestIds.join('\n'));
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0} request IDs', episode.requestIds.length), 3000);
      } else if (message.type === 'openTranscript') {
        await vscode.commands.executeCommand(CommandId.openTranscriptAtFailure, episode.first);
      } else if (message.type === 'openIncident') {
        // A string, not a Uri: a Uri.parse round trip double-encodes `%23` and `+`.
        if (episode.incident?.url) await vscode.env.openExternal(episode.incident.url as unknown as vscode.Uri);
      } else {
        // The report command finds the whole episode through `outageAround`.
        await vscode.commands.executeCommand(CommandId.copyBugReport, episode.first);
      }
    } catch (error) {
      this.host.log.error('History panel:', error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Claude API History: {0}', error instanceof Error ? error.message : String(error)));
    }
  }

  /** Rebuilds the history for the current range and scope and sends it; one at a time. */
  #update(): Promise<void> {
    if (this.#updating) {
      this.#again = true;
      return this.#updating;
    }
    this.#updating = this.#build()
      .catch((error: unknown) => {
        this.host.log.error('History panel: could not build the history', error);
        this.#data = null;
        this.#post(errorMessage(error));
      })
      .finally(() => {
        this.#updating = null;
        if (this.#again) {
          this.#again = false;
          void this.#update();
        }
      });
    return this.#updating;
  }

  async #build(): Promise<void> {
    const store = this.host.store();
    if (!store.built) {
      this.#post({ type: 'progress', text: vscode.l10n.t('Reading the transcripts of the last 30 days…') });
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Claude API Watch: building the failure history') },
        async (progress) => {
          let reported = 0;
          await store.refresh((done, total) => {
            const percent = Math.floor((done / Math.max(1, total)) * 100);
            progress.report({ increment: percent - reported, message: `${done}/${total}` });
            reported = percent;
          });
        },
      );
    } else {
      await store.refresh();
    }
    const incidents = await this.host.incidents();
    const now = Date.now();
    const { range, scope } = this.#state;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const events = store.events(now - RANGE_MS[range]).filter((event) => scope === 'all' || isCwdInScope(event.cwd, folders, process.platform));
    const history = buildHistory(events, {
      sinceMs: now - RANGE_MS[range],
      untilMs: now,
      bucket: RANGE_BUCKET[range],
      timeZone: localTimeZone(),
      quietPeriodMs: this.host.quietPeriodMs(),
      incidents: 'incidents' in incidents ? incidents.incidents : [],
    });
    this.#history = history;
    const data = (this.#data = toPanelData(history, {
      range,
      scope,
      incidents: 'incidents' in incidents ? incidents.incidents : null,
      statusNote: 'note' in incidents ? incidents.note : undefined,
    }));
    this.#post({ type: 'history', data });
  }

  /** The range's figures and episodes as Markdown, redacted as a bug report is. */
  async #copySummary(): Promise<void> {
    if (!this.#data) return;
    const { copySummaryMarkdown } = await import('../lazy/reporting.js');
    const markdown = await copySummaryMarkdown(this.#data, { homedir: os.homedir(), username: safeUsername() });
    await vscode.env.clipboard.writeText(markdown);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the summary of {0} as Markdown', this.#data.rangeText), 3000);
  }

  #post(message: HostMessage): void {
    void this.#panel?.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.#pending);
    this.#panel?.dispose();
  }
}

function readState(value: unknown): PanelState | null {
  if (typeof value !== 'object' || value === null) return null;
  const { range, scope } = value as Record<string, unknown>;
  return (PANEL_RANGES as readonly unknown[]).includes(range) && (PANEL_SCOPES as readonly unknown[]).includes(scope)
    ? { range: range as PanelRange, scope: scope as PanelScope }
    : null;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

function nonce(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri, state: PanelState): string {
  const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  return panelHtml({ cspSource: webview.cspSource, script: uri('history.js'), style: uri('history.css'), nonce: nonce(), ...state, t: (text) => vscode.l10n.t(text) });
}

/** The panel's error state: one sentence, and the button that fixes it. */
function errorMessage(error: unknown): HostMessage {
  if (error instanceof ConfigDirError) {
    // The worker's error wraps the walk's own, which already names the folder and what is wrong with it.
    const inner = error.cause instanceof Error ? error.cause.message : error.message;
    const sentence = inner.charAt(0).toUpperCase() + inner.slice(1);
    return {
      type: 'error',
      text: `${sentence.replace(/\.$/, '')}.`,
      action: { kind: 'openConfigDirSetting', label: vscode.l10n.t('Set the Config Dir') },
    };
  }
  return {
    type: 'error',
    text: vscode.l10n.t('Could not read the history: {0}', error instanceof Error ? error.message : String(error)),
    action: { kind: 'retry', label: vscode.l10n.t('Try Again') },
  };
}

function safeUsername(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}
