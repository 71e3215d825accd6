// The editor's adapter for the team view (src/core/telemetry). Off by default, and then it is a tee
// on the session's source and nothing more: no module loaded, nothing opened or sent. Once the
// user's own settings name a collector, it loads the team view (a lazy module), which checks the
// settings (a bad value: one line in the log and one warning), starts the export, and follows
// every change of the two settings.
import * as vscode from 'vscode';
import type { Schedule } from '../core/events';
import type { TranscriptSourceFactory } from '../core/session/transcriptSource';
import type { SessionState } from '../core/session/watchSession';
import { SETTINGS_SECTION } from '../core/settingNames';
import type { TeamTelemetry } from '../core/telemetry/teamTelemetry';
import { isFailureEvent } from '../core/types';

export interface EditorTelemetry extends vscode.Disposable {
  wrapSource(factory: TranscriptSourceFactory): TranscriptSourceFactory;
  onState(state: SessionState): void;
  /** Reads the settings and applies them (at start, and on every change of ours). */
  apply(): Promise<void>;
}

interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export function createEditorTelemetry(options: { log: vscode.LogOutputChannel; version: string; schedule: Schedule; quietPeriodMs: () => number }): EditorTelemetry {
  let telemetry: TeamTelemetry | null = null;
  let lastState: SessionState | null = null;
  let disposed = false;
  const said = new Set<string>();
  const apply = async () => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const endpoint = config.inspect<unknown>('telemetry.otlpEndpoint') as Inspected | undefined;
    const member = config.inspect<unknown>('telemetry.teamMember') as Inspected | undefined;
    const wanted = typeof endpoint?.globalValue === 'string' && endpoint.globalValue.trim() !== '';
    const inWorkspace = [endpoint, member].some((inspected) => inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined);
    if (!wanted && !inWorkspace) {
      await telemetry?.configure(null);
      return;
    }
    const lazy = await import('./lazy/teamTelemetry.js');
    if (disposed) return;
    const { config: wantedConfig, problems } = lazy.telemetryConfigFromSettings(endpoint, member);
    for (const problem of problems) {
      if (said.has(problem)) continue;
      said.add(problem);
      options.log.warn(`Team telemetry: ${problem}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Claude API Watch: {0}', problem));
    }
    if (!telemetry) {
      telemetry = new lazy.TeamTelemetry({ env: process.env, now: Date.now, schedule: options.schedule, log: options.log, version: options.version, quietPeriodMs: options.quietPeriodMs });
      if (lastState) telemetry.onState(lastState);
    }
    const wasOn = telemetry.enabled;
    const started = await telemetry.configure(wantedConfig);
    if (!started.ok) options.log.warn(`Team telemetry: ${started.message}`);
    else if (wantedConfig?.otlpUrl && telemetry.enabled && !wasOn) options.log.info(`Team telemetry: sending metrics to ${wantedConfig.otlpUrl}`);
  };
  const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SETTINGS_SECTION}.telemetry`)) void apply();
  });
  return {
    // What was on disk at start is history; each failure or retry written after the source is live is counted.
    wrapSource: (factory) => (sourceOptions) => {
      let live = false;
      return factory({
        ...sourceOptions,
        onEvent: (event) => {
          sourceOptions.onEvent(event);
          if (live && telemetry && isFailureEvent(event)) telemetry.recordLive(event);
        },
        onWatching: (watching) => {
          sourceOptions.onWatching(watching);
          live = watching.phase === 'live';
        },
      });
    },
    onState: (state) => {
      lastState = state;
      telemetry?.onState(state);
    },
    apply,
    dispose: () => {
      disposed = true;
      subscription.dispose();
      telemetry?.dispose();
    },
  };
}
