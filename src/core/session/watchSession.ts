// The watch session: everything the editor and `claude-api-watch watch` share. It owns the
// transcript source, the tracker (reconfigured, never rebuilt), Claude Code's environment, the
// status-page monitor and the last health check, and it makes the decisions: what the status bar
// shows, when an outage is worth a notification, when to ask the status page. Time comes in
// through `now` and `schedule`, so every decision is tested in plain Node.
import { FormatCanary, type CanarySnapshot } from '../canary';
import { ClaudeEnvironments } from '../claudeEnv';
import { episodeAround, familyOf } from '../episodes';
import { resolveConfigDirs } from '../files/configDir';
import { planHealthCheckIn, type ApiHealthResult, type HealthPlan } from '../health/apiHealth';
import { AnthropicStatusMonitor, anthropicStatusApplies, describeAnthropicStatus, type AnthropicStatus } from '../health/statusPage';
import { isCwdInScope, isPathInside } from '../scope';
import { renderStatus, type AnthropicStatusSummary, type StatusView } from '../statusView';
import { DEFAULT_ALL_CLEAR_MS, FailureTracker, type TrackerSnapshot } from '../tracker';
import type { ApiEvent, ApiFailureEvent, ApiRefusalEvent, WatchingState } from '../types';
import { Emitter, type Disposable, type Schedule } from '../events';
import { BackToWork, backToWorkMessage, formatDuration, type AnsweredAgain, type ReturnNotice } from './backToWork';
import { followTranscripts, type SessionLog, type TranscriptSourceFactory } from './transcriptSource';

/** When to raise a notification: never, when Claude Code gives up, or also when its retries keep failing. */
export type NotifyLevel = 'off' | 'onFailure' | 'onPersistentRetries';

export interface SessionSettings {
  /** Empty: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
  configDir: string;
  scope: 'workspace' | 'all';
  quietPeriodMs: number;
  lookbackMs: number;
  notify: NotifyLevel;
  /** Retries still failing at this attempt make an outage established. */
  notifyAfterAttempts: number;
  /** Retries still failing this long after the outage began make it established. */
  notifyAfterMs: number;
  showWhenHealthy: boolean;
  anthropicStatusEnabled: boolean;
  anthropicStatusUrl: string;
  healthBaseUrl: string;
  /**
   * Tell the user when they can work again: a plan limit that reset, an outage they were told of
   * that is over (default on; nothing when `notify` is off).
   */
  notifyBackToWork?: boolean;
}

export const DEFAULT_NOTIFY_AFTER_ATTEMPTS = 3;
export const DEFAULT_NOTIFY_AFTER_MS = 30_000;
/** Relative times in the tooltip ("2 min ago") go stale: refresh them this often while not healthy. */
export const VIEW_REFRESH_MS = 30_000;
/** The longest the session's one timer waits before it looks at the clock again. */
const MAX_TIMER_MS = 24 * 3_600_000;

/** An established outage, worth telling the user about: once while retrying, once when Claude Code gives up. */
export interface OutageNotice {
  /** Names the outage (its episode's family and start): one notification per key and reason. */
  key: string;
  /** `failure`: Claude Code gave up; `retrying`: its retries are still failing after a while. */
  reason: 'failure' | 'retrying';
  failure: ApiFailureEvent;
  snapshot: TrackerSnapshot;
}

/** Every notification the session raises: an outage (given up, still retrying), a limit reset, back to work. */
export type SessionNotice = OutageNotice | ReturnNotice;

export interface SessionState {
  snapshot: TrackerSnapshot;
  view: StatusView;
  watching: WatchingState;
  anthropicStatus: AnthropicStatus | null;
  health: ApiHealthResult | null;
  /** The established outage now, or null (none, not yet established, recovered, or notifications off). */
  notice: OutageNotice | null;
  /** The last outage the user was told of that is over (the API answers again), while still recent; else null. */
  answeredAgain: AnsweredAgain | null;
}

export interface WatchSessionOptions {
  settings: SessionSettings;
  /** Open workspace folders (file paths): the sessions in scope when `scope` is `workspace`. */
  workspaceFolders?: readonly string[];
  env: Record<string, string | undefined>;
  homedir: string;
  platform?: NodeJS.Platform;
  exists: (path: string) => boolean;
  now: () => number;
  schedule: Schedule;
  log: SessionLog;
  /** Default: follow the transcripts on disk. */
  source?: TranscriptSourceFactory;
  readSettingsEnv?: (configDir: string) => Promise<Record<string, string>>;
  fetchStatus?: (url: string) => Promise<AnthropicStatus>;
  /** A remote editor window (code-server, SSH, WSL, a container): see StatusViewOptions.remote. */
  remote?: boolean;
}

export class WatchSession implements Disposable {
  readonly #options: WatchSessionOptions;
  readonly #platform: NodeJS.Platform;
  #settings: SessionSettings;
  #workspaceFolders: readonly string[];
  #configDirs: string[] = [];
  readonly #tracker: FailureTracker;
  readonly #environments: ClaudeEnvironments;
  #statusPage: AnthropicStatusMonitor;
  #statusPageSubscription: Disposable;
  #source: Disposable | null = null;
  #timer: Disposable | null = null;
  #timerDueAt: number | null = null;
  #health: ApiHealthResult | null = null;
  #watching: WatchingState;
  #notified = new Set<string>();
  #state: SessionState;
  #disposed = false;
  readonly #changed = new Emitter<SessionState>();
  readonly #notify = new Emitter<SessionNotice>();
  /** Limits waiting for their reset, outages waiting for the API to answer again. */
  readonly #backToWork: BackToWork;
  #inScope: (event: ApiEvent) => boolean = () => false;
  /** Error lines no known shape fits, and the Claude Code versions seen (ARCHITECTURE.md §1.1): logged once per shape. */
  readonly #canary: FormatCanary;
  /** Every change of state: the status bar, the CLI's output. */
  readonly onDidChange = this.#changed.event;
  /** Once per established outage, limit reset, and return of the API: the moment for a notification. */
  readonly onDidNotify = this.#notify.event;

  constructor(options: WatchSessionOptions) {
    this.#options = options;
    this.#platform = options.platform ?? process.platform;
    this.#settings = options.settings;
    this.#workspaceFolders = options.workspaceFolders ?? [];
    this.#canary = new FormatCanary({
      onNewShape: (shape, version) => {
        options.log.warn(
          `An API error line in a shape this release cannot read (Claude Code ${version ?? 'version unknown'}, ${shape.firstSeen.file}:${shape.firstSeen.line}); its keys: ${shape.skeleton}. Run "Report Unknown Transcript Format" to tell us.`,
        );
        this.#update();
      },
      onNewerVersion: (version, newestKnown) =>
        options.log.info(`Transcripts come from Claude Code ${version}, newer than ${newestKnown}, the newest this release knows: new error shapes will be counted and logged.`),
    });
    this.#environments = new ClaudeEnvironments(options.env, { platform: this.#platform, readSettingsEnv: options.readSettingsEnv });
    this.#configDirs = this.#resolveConfigDirs();
    this.#inScope = this.#scopeFilter();
    this.#backToWork = new BackToWork({ now: options.now, watchingSince: options.now() });
    this.#tracker = new FailureTracker({
      now: options.now,
      quietPeriodMs: this.#settings.quietPeriodMs,
      historyMs: this.#settings.lookbackMs,
      isInScope: this.#inScope,
    });
    this.#tracker.onDidChange(() => this.#update());
    this.#watching = { phase: 'reading', configDirs: this.#configDirs, problem: null, transcripts: 0, lastLineAt: null };
    [this.#statusPage, this.#statusPageSubscription] = this.#createStatusPage();
    this.#state = this.#computeState();
  }

  /** Starts following the transcripts and reading Claude Code's settings. Returns at once. */
  start(): void {
    this.#startSource();
    void this.#loadEnvironment();
    this.#update();
  }

  get state(): SessionState {
    return this.#state;
  }

  get settings(): SessionSettings {
    return this.#settings;
  }

  /**
   * When the session next looks at the clock by itself (an expiry, a view refresh), or null when it
   * waits for an event: for diagnostics (a failure still shown past its quiet period).
   */
  get nextUpdateAt(): number | null {
    return this.#timerDueAt;
  }

  get configDirs(): readonly string[] {
    return this.#configDirs;
  }

  /** What the format canary has counted since the session started. */
  formatCanary(): CanarySnapshot {
    return this.#canary.snapshot();
  }

  /** Claude Code's environment, per config dir and per failure. */
  get environments(): ClaudeEnvironments {
    return this.#environments;
  }

  /** An event from the transcripts (the source calls this; tests may too). */
  record(event: ApiEvent): void {
    this.#tracker.record(event);
    // After the tracker: an outage notice this event raises is known before its own evidence is looked at.
    if (this.#inScope(event) && this.#backToWork.observe(event)) this.#update();
  }

  /** Settings changed: everything that depends on them follows, nothing is rebuilt by hand. */
  configure(settings: SessionSettings): void {
    const previous = this.#settings;
    this.#settings = settings;
    this.#options.log.info('Settings changed; applying them');
    if (settings.configDir !== previous.configDir || settings.lookbackMs !== previous.lookbackMs) {
      this.#configDirs = this.#resolveConfigDirs();
      this.#startSource();
      void this.#loadEnvironment();
    }
    this.#inScope = this.#scopeFilter();
    this.#backToWork.retain(this.#inScope);
    this.#tracker.configure({ quietPeriodMs: settings.quietPeriodMs, historyMs: settings.lookbackMs, isInScope: this.#inScope });
    if (settings.anthropicStatusUrl !== previous.anthropicStatusUrl) {
      this.#statusPageSubscription.dispose();
      this.#statusPage.dispose();
      [this.#statusPage, this.#statusPageSubscription] = this.#createStatusPage();
    } else {
      this.#statusPage.setEnabled(this.#statusPageApplies());
    }
    this.#update();
  }

  setWorkspaceFolders(folders: readonly string[]): void {
    this.#workspaceFolders = folders;
    this.#inScope = this.#scopeFilter();
    this.#backToWork.retain(this.#inScope);
    this.#tracker.configure({ isInScope: this.#inScope });
  }

  /** The user's "Clear Indicator": nothing seen so far counts as current again. */
  clear(): void {
    this.#tracker.clear();
    this.#backToWork.clear();
    this.#update();
  }

  recordHealth(result: ApiHealthResult): void {
    this.#health = result;
    this.#update();
  }

  /** What "Check API Health" should do for Claude Code's environment (re-read first: settings.json may have changed). */
  async healthPlan(): Promise<HealthPlan> {
    await this.#loadEnvironment();
    return planHealthCheckIn(this.#environments, this.#settings.healthBaseUrl || null);
  }

  /** In-scope failures and retries still retained, newest first. */
  recentFailures(limit: number): ApiFailureEvent[] {
    return this.#tracker.recentFailures(limit);
  }

  /** In-scope refusals still retained, newest first (the model declined: never failures). */
  recentRefusals(limit: number): ApiRefusalEvent[] {
    return this.#tracker.recentRefusals(limit);
  }

  /** The failures of the outage the status bar shows (its ×N), oldest first. */
  currentOutage(): ApiFailureEvent[] {
    return this.#tracker.currentOutage();
  }

  /** The episode of `chosen` (episodes.ts, the user's quiet period) among the retained failures. */
  episodeOf(chosen: ApiFailureEvent): ApiFailureEvent[] {
    return episodeAround(this.#tracker.recentFailures(Infinity), chosen, this.#settings.quietPeriodMs);
  }

  /** The status page's word for a report, or null when it was not asked. */
  anthropicStatusSummary(): string | null {
    const status = this.#statusPage.current();
    return status ? describeAnthropicStatus(status, this.#state.snapshot.state !== 'healthy') : null;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#timer?.dispose();
    this.#source?.dispose();
    this.#statusPageSubscription.dispose();
    this.#statusPage.dispose();
    this.#tracker.dispose();
    this.#changed.dispose();
    this.#notify.dispose();
  }

  #resolveConfigDirs(): string[] {
    return resolveConfigDirs({
      explicit: this.#settings.configDir || null,
      env: this.#options.env,
      homedir: this.#options.homedir,
      exists: this.#options.exists,
    });
  }

  #startSource(): void {
    this.#source?.dispose();
    this.#watching = { phase: 'reading', configDirs: this.#configDirs, problem: null, transcripts: 0, lastLineAt: null };
    const source = this.#options.source ?? followTranscripts;
    this.#source = source({
      configDirs: this.#configDirs,
      lookbackMs: this.#settings.lookbackMs,
      onEvent: (event) => this.record(event),
      onWatching: (watching) => {
        this.#watching = watching;
        this.#update();
      },
      log: this.#options.log,
      now: this.#options.now,
      schedule: this.#options.schedule,
      canary: this.#canary,
      wantsAnySuccess: () => this.#backToWork.waitingForAnswer,
    });
  }

  async #loadEnvironment(): Promise<void> {
    await this.#environments.load(this.#configDirs);
    if (this.#disposed) return;
    // A provider or gateway in settings.json: its users never ask Anthropic's status page.
    this.#statusPage.setEnabled(this.#statusPageApplies());
  }

  #statusPageApplies(): boolean {
    const { anthropicStatusEnabled, healthBaseUrl } = this.#settings;
    return anthropicStatusApplies(this.#environments.forConfigDir(), anthropicStatusEnabled, healthBaseUrl || null);
  }

  #createStatusPage(): [AnthropicStatusMonitor, Disposable] {
    const schedule = this.#options.schedule;
    const monitor = new AnthropicStatusMonitor({
      enabled: this.#statusPageApplies(),
      url: this.#settings.anthropicStatusUrl,
      now: this.#options.now,
      schedule: (callback, delayMs) => {
        const timer = schedule(callback, delayMs);
        return () => timer.dispose();
      },
      fetchStatus: this.#options.fetchStatus,
    });
    const subscription = monitor.onChange((status) => {
      if (status) this.#options.log.info(`Anthropic status: ${describeAnthropicStatus(status, this.#isFailing())}`);
      this.#backToWork.statusPage(status);
      this.#update();
    });
    return [monitor, subscription];
  }

  /** Sessions in the config dirs watched now (a config dir change leaves the old one's behind), and in the workspace. */
  #scopeFilter(): (event: ApiEvent) => boolean {
    const configDirs = this.#configDirs;
    const folders = this.#settings.scope === 'all' ? [] : this.#workspaceFolders;
    const platform = this.#platform;
    return (event) => configDirs.some((dir) => isPathInside(event.file, dir, platform)) && isCwdInScope(event.cwd, folders, platform);
  }

  /**
   * Whether the status page can say something about what fails now: not for a plan limit or a
   * login, the user's own account (a plan limit can last hours: no polling all that time).
   */
  #statusPageHelps(snapshot: TrackerSnapshot): boolean {
    if (snapshot.state !== 'failing' && snapshot.state !== 'retrying') return false;
    const family = snapshot.failure ? familyOf(snapshot.failure.failureClass) : null;
    return family !== 'rate_limit' && family !== 'auth';
  }

  #isFailing(): boolean {
    const { state } = this.#tracker.snapshot();
    return state === 'failing' || state === 'retrying';
  }

  #computeState(): SessionState {
    const now = this.#options.now();
    const tracked = this.#tracker.snapshot();
    const anthropicStatus = this.#statusPage.current();
    const answered = this.#backToWork.answered;
    const answeredAgain = answered && now - answered.answeredAt < this.#settings.quietPeriodMs ? answered : null;
    const snapshot = answeredAgain ? afterAnswer(tracked, answeredAgain, now) : tracked;
    return {
      snapshot,
      view: renderStatus(snapshot, {
        backToWork: answeredAgain ? { words: backToWorkMessage(answeredAgain), at: answeredAgain.answeredAt } : null,
        showWhenHealthy: this.#settings.showWhenHealthy,
        now,
        anthropicStatus: toStatusSummary(anthropicStatus),
        unknownFormatLines: this.#canary.unknownLineCount,
        watching: this.#watching,
        remote: this.#options.remote ?? false,
      }),
      watching: this.#watching,
      anthropicStatus,
      health: this.#health,
      notice: this.#noticeFor(tracked, now),
      answeredAgain,
    };
  }

  /** The decision: is the outage shown now established enough to interrupt the user? */
  #noticeFor(snapshot: TrackerSnapshot, now: number): OutageNotice | null {
    const { notify, notifyAfterAttempts, notifyAfterMs } = this.#settings;
    const failure = snapshot.failure;
    if (notify === 'off' || !failure || snapshot.outageStartedAt === null) return null;
    const key = `${familyOf(failure.failureClass)}@${snapshot.outageStartedAt}`;
    if (snapshot.state === 'failing') return { key, reason: 'failure', failure, snapshot };
    if (snapshot.state !== 'retrying' || notify !== 'onPersistentRetries') return null;
    const attempt = snapshot.retry?.attempt ?? 0;
    if (attempt >= notifyAfterAttempts || now - snapshot.outageStartedAt >= notifyAfterMs) return { key, reason: 'retrying', failure, snapshot };
    return null;
  }

  #update(): void {
    if (this.#disposed) return;
    const previous = this.#state;
    const state = this.#computeState();
    this.#state = state;
    if (state.snapshot.state !== previous.snapshot.state) {
      const failure = state.snapshot.failure;
      const detail = failure && state.snapshot.state !== 'healthy' ? ` — ${failure.message}${failure.requestId ? ` (${failure.requestId})` : ''}` : '';
      this.#options.log.info(`State: ${previous.snapshot.state} → ${state.snapshot.state}${detail}`);
    }
    this.#statusPage.setFailing(this.#statusPageHelps(state.snapshot));
    this.#schedule(state);
    this.#changed.fire(state);
    // A retrying notice ends when the retrying does (the editor withdraws it): giving up is news again.
    const noticeId = state.notice ? `${state.notice.key}:${state.notice.reason}` : null;
    if (state.notice && noticeId && !this.#notified.has(noticeId)) {
      this.#notified.add(noticeId);
      if (this.#notified.size > 100) this.#notified.delete(this.#notified.values().next().value!);
      // Claude Code gave up during Anthropic's outage: from now on, wait for evidence the API answers.
      if (state.notice.reason === 'failure' && familyOf(state.notice.failure.failureClass) === 'anthropic') {
        this.#backToWork.outageNotified(state.notice.key, this.#tracker.currentOutage(), this.#statusPage.current());
      }
      this.#notify.fire(state.notice);
    }
    // Limits that reset, outages that are over: taken even when not told, so that turning the setting on later tells nothing stale.
    const returns = this.#backToWork.take();
    const { notify, notifyBackToWork = true } = this.#settings;
    if (notify !== 'off' && notifyBackToWork) for (const notice of returns) this.#notify.fire(notice);
  }

  /** The last outage that is over, in words for a report: the evidence and the time lost; null when none is recent. */
  backToWorkSummary(): string | null {
    const answered = this.#state.answeredAgain;
    return answered ? `${backToWorkMessage(answered)} (outage ${formatClockUtc(answered.outageStartedAt)} to ${formatClockUtc(answered.answeredAt)}, ${formatDuration(answered.lostMs)})` : null;
  }

  /** One timer: the tracker's next change, the moment retries become established, or a view refresh. */
  #schedule(state: SessionState): void {
    this.#timer?.dispose();
    this.#timer = null;
    this.#timerDueAt = null;
    const now = this.#options.now();
    const candidates: number[] = [];
    const transition = this.#tracker.nextTransitionAt();
    if (transition !== null) candidates.push(transition - now);
    const { snapshot } = state;
    if (snapshot.state !== 'healthy') candidates.push(VIEW_REFRESH_MS);
    if (snapshot.state === 'retrying' && !state.notice && snapshot.outageStartedAt !== null && this.#settings.notify === 'onPersistentRetries') {
      candidates.push(snapshot.outageStartedAt + this.#settings.notifyAfterMs - now);
    }
    const returnDue = this.#backToWork.nextDueAt();
    if (returnDue !== null) candidates.push(returnDue - now);
    // "Recovered" after the API answered again lasts as long as the tracker's own.
    const answeredAt = state.answeredAgain?.answeredAt;
    if (snapshot.state === 'recovered' && answeredAt !== undefined && answeredAt + DEFAULT_ALL_CLEAR_MS > now) candidates.push(answeredAt + DEFAULT_ALL_CLEAR_MS - now);
    if (candidates.length === 0) return;
    // At most a day: a monthly limit's reset is further than a timer can wait (about 24.8 days).
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(50, Math.min(...candidates)));
    this.#timerDueAt = now + delayMs;
    this.#timer = this.#options.schedule(() => {
      this.#timer = null;
      this.#timerDueAt = null;
      this.#tracker.tick();
      this.#update();
    }, delayMs);
  }
}

/**
 * The outage shown is over once the API answered again after its last failure (a session that gave
 * up stays "failing" in the tracker until its quiet period ends): shown recovered, as after a success
 * in the failing session, then healthy. A failure after the answer is a new state and shows as usual.
 */
function afterAnswer(snapshot: TrackerSnapshot, answered: AnsweredAgain, now: number): TrackerSnapshot {
  const failure = snapshot.failure;
  const over =
    (snapshot.state === 'failing' || snapshot.state === 'retrying') &&
    failure !== null &&
    familyOf(failure.failureClass) === 'anthropic' &&
    snapshot.lastFailureAt !== null &&
    snapshot.lastFailureAt <= answered.answeredAt;
  if (!over) return snapshot;
  if (now < answered.answeredAt + DEFAULT_ALL_CLEAR_MS) return { ...snapshot, state: 'recovered', retry: null, affectedSessions: [], recoveredAt: answered.answeredAt };
  return {
    ...snapshot,
    state: 'healthy',
    failure: null,
    failureAt: null,
    failureClass: null,
    status: null,
    failureCount: 0,
    retry: null,
    affectedSessions: [],
    outageStartedAt: null,
    lastFailureAt: null,
    recoveredAt: null,
  };
}

/** `12:23 UTC`. */
function formatClockUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
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
