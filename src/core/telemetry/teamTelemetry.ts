// The team view's one entry point for the editor and `claude-api-watch watch`: it sits beside the
// watch session (it tees the session's transcript source and reads its state) and, only while a way
// out is configured, loads the OpenTelemetry export (a lazy module) and feeds it. Off, it loads
// nothing, opens nothing and sends nothing: the tee hands events straight on.
import type { Disposable, Schedule } from '../events';
import type { SessionLog, TranscriptSourceFactory } from '../session/transcriptSource';
import type { SessionState } from '../session/watchSession';
import { isFailureEvent, type ApiFailureEvent } from '../types';
import { exportIntervalFrom, otlpHeadersFrom, telemetryEnabled, type TelemetryConfig } from './config';
import { TelemetryFeed } from './feed';
import type { MetricsExport, MetricsExportOptions } from './lazy/metricsExport';
import { ATTRIBUTES, type Attributes } from './names';

export interface TeamTelemetryOptions {
  env: Record<string, string | undefined>;
  now: () => number;
  schedule: Schedule;
  log: SessionLog;
  version: string;
  quietPeriodMs: () => number;
  /** Replaces the lazy module (tests count whether it is loaded at all). */
  load?: () => Promise<{ startMetricsExport(options: MetricsExportOptions): Promise<MetricsExport> }>;
}

export type TelemetryStart = { ok: true; prometheusUrl: string | null } | { ok: false; message: string };

export class TeamTelemetry implements Disposable {
  readonly #options: TeamTelemetryOptions;
  #config: TelemetryConfig | null = null;
  #feed: TelemetryFeed | null = null;
  #export: MetricsExport | null = null;
  /** The latest configure(): an older one finishing late is dropped. */
  #generation = 0;
  #lastState: SessionState | null = null;

  constructor(options: TeamTelemetryOptions) {
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#feed !== null;
  }

  /**
   * The session's source, teed: each failure or retry written after the backlog was read (the
   * source says `live`) reaches the feed. What was on disk at start is history, counted by whoever
   * ran then; counting it again at every start would inflate every counter.
   */
  wrapSource(factory: TranscriptSourceFactory): TranscriptSourceFactory {
    return (options) => {
      let live = false;
      return factory({
        ...options,
        onEvent: (event) => {
          options.onEvent(event);
          if (live && isFailureEvent(event)) this.recordLive(event);
        },
        onWatching: (watching) => {
          options.onWatching(watching);
          live = watching.phase === 'live';
        },
      });
    };
  }

  /** A failure or retry newly written (not the backlog): counted while a way out is on. */
  recordLive(event: ApiFailureEvent): void {
    this.#feed?.event(event);
  }

  /** Every state of the session (its `onDidChange`). */
  onState(state: SessionState): void {
    this.#lastState = state;
    this.#feed?.state({ state: state.snapshot.state, affectedSessions: state.snapshot.affectedSessions.length }, state.anthropicStatus);
  }

  /**
   * Starts, restarts or stops the export for `config` (null or both ways off: stopped, nothing
   * loaded). Never throws: a way out that cannot start is said in the result.
   */
  async configure(config: TelemetryConfig | null): Promise<TelemetryStart> {
    const generation = ++this.#generation;
    const next = telemetryEnabled(config) ? config : null;
    if (sameConfig(next, this.#config) && (next === null || this.#feed !== null)) return { ok: true, prometheusUrl: null };
    await this.#stop();
    this.#config = next;
    if (next === null || generation !== this.#generation) return { ok: true, prometheusUrl: null };
    const base: Attributes = next.teamMember !== null ? { [ATTRIBUTES.teamMember]: next.teamMember } : {};
    const feedRef: { feed: TelemetryFeed | null } = { feed: null };
    let started: MetricsExport;
    try {
      const load = this.#options.load ?? (() => import('./lazy/metricsExport.js'));
      started = await (await load()).startMetricsExport({
        otlpUrl: next.otlpUrl,
        otlpHeaders: otlpHeadersFrom(this.#options.env),
        exportIntervalMs: exportIntervalFrom(this.#options.env),
        prometheus: next.prometheus,
        version: this.#options.version,
        reading: () => feedRef.feed?.reading() ?? { state: 'healthy', affectedSessions: 0 },
        baseAttributes: base,
        log: { info: (message) => this.#options.log.info(message), warn: (message) => this.#options.log.warn(message) },
      });
    } catch (error) {
      this.#config = null;
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    if (generation !== this.#generation) {
      await started.shutdown();
      return { ok: true, prometheusUrl: null };
    }
    this.#export = started;
    this.#feed = feedRef.feed = new TelemetryFeed({
      sink: started.sink,
      now: this.#options.now,
      schedule: this.#options.schedule,
      quietPeriodMs: this.#options.quietPeriodMs,
      teamMember: next.teamMember,
    });
    if (this.#lastState) this.onState(this.#lastState);
    return { ok: true, prometheusUrl: started.prometheusUrl };
  }

  async #stop(): Promise<void> {
    const feed = this.#feed;
    const running = this.#export;
    this.#feed = null;
    this.#export = null;
    // Episodes still open are recorded before the last export.
    feed?.dispose();
    await running?.shutdown();
  }

  /** Stops exporting (the last OTLP export is tried, briefly). */
  async shutdown(): Promise<void> {
    this.#generation++;
    await this.#stop();
    this.#config = null;
  }

  dispose(): void {
    void this.shutdown();
  }
}

function sameConfig(a: TelemetryConfig | null, b: TelemetryConfig | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.otlpUrl === b.otlpUrl &&
    a.teamMember === b.teamMember &&
    a.prometheus?.host === b.prometheus?.host &&
    a.prometheus?.port === b.prometheus?.port
  );
}
