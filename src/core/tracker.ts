// The failure tracker: API events in, one aggregate state for the status bar out. Pure and
// deterministic: time comes from the injected clock, and time-based changes (expiry, the end of
// the all-clear period) happen when the host calls tick() at nextTransitionAt(). The outage it
// counts is the headline failure's episode, as episodes.ts defines it for the report and history.
import { DEFAULT_QUIET_PERIOD_MS, episodeAround } from './episodes';
import { Emitter } from './events';
import { planLimitResetAt } from './planLimit';
import type { ApiEvent, ApiFailureEvent, ApiInterruptEvent, ApiRefusalEvent, ApiSuccessEvent, FailureClass } from './types';

export type TrackerState = 'healthy' | 'retrying' | 'failing' | 'recovered';

/** Where Claude Code stands in its retry loop, from a retry line. */
export interface RetryProgress {
  /** 1-based, or null when the line did not say. */
  attempt: number | null;
  maxRetries: number | null;
  /** Epoch ms when Claude Code said it would try again, or null. */
  nextRetryAt: number | null;
  event: ApiFailureEvent;
}

export interface TrackerSnapshot {
  state: TrackerState;
  /**
   * The failure the UI headlines: the worst of the sessions currently failing (server and
   * overloaded outrank the rest, then the most recent); when recovered, the failure recovered
   * from; null when healthy.
   */
  failure: ApiFailureEvent | null;
  /** Epoch ms of `failure`. */
  failureAt: number | null;
  failureClass: FailureClass | null;
  status: number | null;
  /** Failures and retries in the headline failure's episode (episodes.ts): every line, not requests. */
  failureCount: number;
  /** Of those, final failures: requests Claude Code gave up on (the status bar's ×N). */
  failedRequests: number;
  /** Of those, retries: attempts Claude Code made again (one request can make ten). */
  retries: number;
  /** The headline retry, else the most recent retry still in progress; null when none is. */
  retry: RetryProgress | null;
  /** Keys (session id, else transcript file) of the sessions failing or retrying now, most recent first. */
  affectedSessions: string[];
  /** In-scope failures and retries in the last hour, cleared or not (history, not current state). */
  failuresLastHour: number;
  /** Of those, final failures (failed requests) and retries, counted apart. */
  failedRequestsLastHour: number;
  retriesLastHour: number;
  /**
   * Epoch ms of the first and last event of the headline failure's episode: a run of one family
   * with gaps shorter than the quiet period, so a failure soon after a recovery joins it.
   */
  outageStartedAt: number | null;
  lastFailureAt: number | null;
  /** Epoch ms of the success that ended the failure, while state is `recovered`. */
  recoveredAt: number | null;
}

export interface FailureTrackerOptions {
  now: () => number;
  /** A failure or retry older than this is no longer current (default 10 min). */
  quietPeriodMs?: number;
  /** How long `recovered` shows before `healthy` (default 1 min). */
  allClearMs?: number;
  /** Which events count, e.g. sessions of the open workspace (default: all). */
  isInScope?: (event: ApiEvent) => boolean;
  /**
   * Failure events kept for recentFailures() and scope changes (default 500); also the most
   * failureCount and failuresLastHour can reach.
   */
  historyLimit?: number;
  /** How far back failures are kept for recentFailures() and reports (default 1 h). */
  historyMs?: number;
}

/** What a settings change may alter; the tracker re-evaluates its retained history under it. */
export interface TrackerConfiguration {
  quietPeriodMs: number;
  historyMs: number;
  isInScope: (event: ApiEvent) => boolean;
}

export const DEFAULT_ALL_CLEAR_MS = 60_000;
export const DEFAULT_HISTORY_LIMIT = 500;

const HOUR_MS = 60 * 60_000;
/** Sessions remembered at once; healthy ones are forgotten first, oldest first. */
const SESSION_LIMIT = 1000;
/**
 * Sessions failing or recovered at once. Every snapshot looks at each of them, so a flood
 * (thousands of sessions failing together) drops the longest-quiet ones instead of slowing down.
 */
const ACTIVE_SESSION_LIMIT = 100;

/** An event with its parsed time, identity and scope verdict, computed once. */
interface Retained<E extends ApiEvent> {
  event: E;
  at: number;
  key: string;
  inScope: boolean;
}

interface RetainedFailure extends Retained<ApiFailureEvent> {
  id: string;
  /** Current until then, unless something newer says otherwise. */
  currentUntil: number;
}

interface SessionState {
  /** Time of the newest event applied: older ones arriving later are ignored. */
  reflectsUpTo: number;
  /** The latest failure or retry of the session's failure episode, null after a success. */
  failure: RetainedFailure | null;
  recoveredAt: number | null;
  recoveredFrom: RetainedFailure | null;
}

/** How the tracker tells sessions apart (`affectedSessions`): the session id, else the transcript file. */
export function sessionKey(event: ApiEvent): string {
  return event.sessionId ?? event.file;
}

/** Identity of a line, so one read twice counts once. */
function eventId(event: ApiEvent): string {
  return event.uuid ?? `${event.file}:${event.line}`;
}

/** Server and overloaded errors are outages on Anthropic's side: they outrank the user's own problems. */
function tier(c: FailureClass): number {
  return c === 'server' || c === 'overloaded' ? 1 : 0;
}

function outranks(a: RetainedFailure, b: RetainedFailure): boolean {
  const byTier = tier(a.event.failureClass) - tier(b.event.failureClass);
  return byTier !== 0 ? byTier > 0 : a.at > b.at;
}

/** Inserts keeping `list` sorted by time; equal times keep arrival order. */
function insertByTime<E extends ApiEvent>(list: Retained<E>[], item: Retained<E>): void {
  if (list.length === 0 || list[list.length - 1].at <= item.at) {
    list.push(item);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].at <= item.at) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

export class FailureTracker {
  private readonly now: () => number;
  private quietPeriodMs: number;
  private readonly allClearMs: number;
  private readonly historyLimit: number;
  /** Long enough for the last hour and for anything that can still be current. */
  private retentionMs: number;
  private isInScope: (event: ApiEvent) => boolean;

  /** Every failure and retry seen (in scope or not), by time, bounded: the source for scope changes. */
  private readonly failures: RetainedFailure[] = [];
  private readonly failureIds = new Set<string>();
  /**
   * Successes and interrupts that came right after a failure of their session: all a replay needs
   * of them.
   */
  private readonly recoveries: Retained<ApiSuccessEvent | ApiInterruptEvent>[] = [];
  /** Session keys whose last event to arrive was a failure. */
  private readonly awaitingRecovery = new Set<string>();
  /** Refusals seen (the model declined; the API worked): listed quietly, never part of any state or count. */
  private readonly refusals: Retained<ApiRefusalEvent>[] = [];

  /** State of in-scope sessions; `active` holds the keys that may not be healthy (tick() sweeps it). */
  private readonly sessions = new Map<string, SessionState>();
  private readonly active = new Set<string>();
  /** Events at or before this time were cleared by the user and never count as current again. */
  private clearedThroughTime = Number.NEGATIVE_INFINITY;

  private readonly changed = new Emitter<TrackerSnapshot>();
  /** Called with the new snapshot whenever it meaningfully changes. */
  readonly onDidChange = this.changed.event;
  private lastEmitted: TrackerSnapshot;

  constructor(options: FailureTrackerOptions) {
    this.now = options.now;
    this.quietPeriodMs = options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;
    this.allClearMs = options.allClearMs ?? DEFAULT_ALL_CLEAR_MS;
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.isInScope = options.isInScope ?? (() => true);
    this.retentionMs = this.retentionFor(options.historyMs ?? HOUR_MS);
    this.lastEmitted = this.computeSnapshot(this.now());
  }

  record(event: ApiEvent): void {
    const at = Date.parse(event.timestamp ?? '');
    // Without a time an event cannot be ordered or expired; such lines are not written by
    // Claude Code versions that report these errors.
    if (!Number.isFinite(at)) return;
    const now = this.now();
    if (at < now - this.retentionMs) return;
    const key = sessionKey(event);

    if (event.kind === 'refusal') {
      // Not a failure: no session state, no outage, no count; kept only for recentRefusals().
      insertByTime(this.refusals, { event, at, key, inScope: this.isInScope(event) });
      this.prune(now);
      return;
    }
    if (event.kind === 'success') {
      const item: Retained<ApiSuccessEvent> = { event, at, key, inScope: this.isInScope(event) };
      if (this.awaitingRecovery.delete(key)) insertByTime(this.recoveries, item);
      if (this.counts(item)) this.applyToSession(item);
    } else if (event.kind === 'interrupt') {
      // Ends a retry, not a final failure: a later success may still end that.
      const item: Retained<ApiInterruptEvent> = { event, at, key, inScope: this.isInScope(event) };
      if (this.awaitingRecovery.has(key)) insertByTime(this.recoveries, item);
      if (this.counts(item)) this.applyToSession(item);
    } else {
      const id = eventId(event);
      if (this.failureIds.has(id)) return; // the same line read twice
      const item: RetainedFailure = { event, at, id, key, inScope: this.isInScope(event), currentUntil: this.currentUntil(event, at) };
      insertByTime(this.failures, item);
      this.failureIds.add(id);
      this.awaitingRecovery.delete(key);
      this.awaitingRecovery.add(key);
      if (this.counts(item)) this.applyToSession(item);
    }

    this.prune(now);
    this.emitIfChanged(now);
  }

  /** Re-evaluates time-based state (expiry, all-clear); call at nextTransitionAt(). */
  tick(): void {
    const now = this.now();
    this.prune(now);
    for (const [key, session] of this.sessions) {
      if (this.phaseAt(session, now) !== 'healthy') continue;
      this.active.delete(key);
      // A plan limit's session is kept until its reset is well past: the success that continues it ends it.
      if (session.reflectsUpTo < now - this.retentionMs && !(session.failure && this.resumedAfterReset(session.failure, now))) this.sessions.delete(key);
    }
    this.emitIfChanged(now);
  }

  /** The user's "Clear indicator": nothing seen so far counts as current again. */
  clear(): void {
    const now = this.now();
    // Through the millisecond before the click: a line stamped in the click's own millisecond and
    // read after it is news (a test wrote one within a millisecond and saw it swallowed), while
    // one already seen is covered below by its own time.
    let latest = now - 1;
    for (const f of this.failures) if (f.inScope && f.at > latest) latest = f.at;
    this.clearedThroughTime = Math.max(this.clearedThroughTime, latest);
    this.sessions.clear();
    this.active.clear();
    this.emitIfChanged(now);
  }

  /**
   * A settings change (quiet period, history, scope): re-evaluates everything from the retained
   * history, keeping what the user cleared. The tracker is reconfigured, never rebuilt.
   */
  configure(configuration: Partial<TrackerConfiguration>): void {
    if (configuration.quietPeriodMs !== undefined) this.quietPeriodMs = configuration.quietPeriodMs;
    if (configuration.historyMs !== undefined) this.retentionMs = this.retentionFor(configuration.historyMs);
    if (configuration.isInScope) this.isInScope = configuration.isInScope;
    for (const f of this.failures) {
      f.inScope = this.isInScope(f.event);
      f.currentUntil = this.currentUntil(f.event, f.at);
    }
    for (const s of this.recoveries) s.inScope = this.isInScope(s.event);
    this.sessions.clear();
    this.active.clear();
    // Failures before successes at equal times, as the success is what ends a failure.
    const replay: (RetainedFailure | Retained<ApiSuccessEvent | ApiInterruptEvent>)[] = [...this.failures, ...this.recoveries]
      .filter((item) => this.counts(item))
      .sort((a, b) => a.at - b.at);
    for (const item of replay) this.applyToSession(item);
    const now = this.now();
    this.prune(now);
    this.emitIfChanged(now);
  }

  snapshot(): TrackerSnapshot {
    return this.computeSnapshot(this.now());
  }

  /** In-scope failures and retries still retained, newest first, cleared or not. */
  recentFailures(limit: number): ApiFailureEvent[] {
    const result: ApiFailureEvent[] = [];
    for (let i = this.failures.length - 1; i >= 0 && result.length < limit; i--) {
      if (this.failures[i].inScope) result.push(this.failures[i].event);
    }
    return result;
  }

  /** In-scope refusals still retained, newest first: for a quiet list, apart from the failures. */
  recentRefusals(limit: number): ApiRefusalEvent[] {
    const result: ApiRefusalEvent[] = [];
    for (let i = this.refusals.length - 1; i >= 0 && result.length < limit; i--) {
      if (this.isInScope(this.refusals[i].event)) result.push(this.refusals[i].event);
    }
    return result;
  }

  /**
   * The headline failure's episode (in scope, not cleared), oldest first; empty when healthy. The
   * status bar's count is its length, and a report started from the status bar covers exactly it.
   */
  currentOutage(): ApiFailureEvent[] {
    return this.episodeOf(this.shownAt(this.now()));
  }

  /** When the snapshot will next change by itself (expiry, end of all-clear), or null if it will not. */
  nextTransitionAt(): number | null {
    const now = this.now();
    let next = Infinity;
    for (const key of this.active) {
      const session = this.sessions.get(key);
      if (!session) continue;
      const phase = this.phaseAt(session, now);
      if ((phase === 'failing' || phase === 'retrying') && session.failure) {
        next = Math.min(next, session.failure.currentUntil);
      } else if (phase === 'recovered' && session.recoveredAt !== null) {
        next = Math.min(next, session.recoveredAt + this.allClearMs);
      }
    }
    return next === Infinity ? null : next;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private retentionFor(historyMs: number): number {
    return Math.max(historyMs, HOUR_MS, 2 * this.quietPeriodMs + this.allClearMs);
  }

  /**
   * A failure is current for the quiet period; a retry for the quiet period after its next attempt
   * was due; a plan limit that says when it resets (`quotaLimits`, else its wording), until then.
   */
  private currentUntil(event: ApiFailureEvent, at: number): number {
    const resetsAt = planLimitResetAt(event);
    if (resetsAt !== null && resetsAt > at) return resetsAt;
    const wait = event.kind === 'retry' ? Math.min(Math.max(event.retryInMs ?? 0, 0), this.quietPeriodMs) : 0;
    return at + wait + this.quietPeriodMs;
  }

  /**
   * Since 2.1.234 Claude Code continues a session by itself when its plan limit resets: a success
   * soon after the reset (within the quiet period) is the limit's end, a recovery like any other.
   */
  private resumedAfterReset(failure: RetainedFailure, at: number): boolean {
    const resetsAt = planLimitResetAt(failure.event) ?? NaN;
    return at >= resetsAt && at < resetsAt + this.quietPeriodMs;
  }

  private applyToSession(item: RetainedFailure | Retained<ApiSuccessEvent | ApiInterruptEvent>): void {
    let session = this.sessions.get(item.key);
    if (session && item.at < session.reflectsUpTo) return;
    if (!session) {
      session = { reflectsUpTo: item.at, failure: null, recoveredAt: null, recoveredFrom: null };
      this.sessions.set(item.key, session);
    }
    session.reflectsUpTo = item.at;
    if (item.event.kind === 'interrupt') {
      // The user stopped the turn: Claude Code is no longer retrying in this session.
      if (session.failure?.event.kind === 'retry') session.failure = null;
    } else if (item.event.kind === 'success') {
      if (session.failure && (item.at < session.failure.currentUntil || this.resumedAfterReset(session.failure, item.at))) {
        session.recoveredAt = item.at;
        session.recoveredFrom = session.failure;
      }
      session.failure = null;
    } else {
      session.failure = item as RetainedFailure;
      session.recoveredAt = null;
      session.recoveredFrom = null;
    }
    if (session.failure || session.recoveredAt !== null) {
      this.active.add(item.key);
      if (this.active.size > ACTIVE_SESSION_LIMIT) this.dropQuietestActiveSession();
    }
  }

  private dropQuietestActiveSession(): void {
    let quietest: { key: string; session: SessionState } | null = null;
    for (const key of this.active) {
      const session = this.sessions.get(key);
      if (session && (!quietest || session.reflectsUpTo < quietest.session.reflectsUpTo)) quietest = { key, session };
    }
    if (!quietest) return;
    quietest.session.failure = null;
    quietest.session.recoveredAt = null;
    quietest.session.recoveredFrom = null;
    this.active.delete(quietest.key);
  }

  private phaseAt(session: SessionState, now: number): TrackerState {
    if (session.failure && now < session.failure.currentUntil) {
      return session.failure.event.kind === 'retry' ? 'retrying' : 'failing';
    }
    if (session.recoveredAt !== null && now < session.recoveredAt + this.allClearMs) return 'recovered';
    return 'healthy';
  }

  /** In scope and not cleared: may be part of the current state. */
  private counts(item: Retained<ApiEvent>): boolean {
    return item.inScope && item.at > this.clearedThroughTime;
  }

  private prune(now: number): void {
    const oldest = now - this.retentionMs;
    while (this.failures.length > 0 && (this.failures.length > this.historyLimit || this.failures[0].at < oldest)) {
      this.failureIds.delete(this.failures.shift()!.id);
    }
    while (this.recoveries.length > 0 && (this.recoveries.length > this.historyLimit || this.recoveries[0].at < oldest)) {
      this.recoveries.shift();
    }
    while (this.refusals.length > 0 && (this.refusals.length > this.historyLimit || this.refusals[0].at < oldest)) {
      this.refusals.shift();
    }
    while (this.awaitingRecovery.size > SESSION_LIMIT) {
      this.awaitingRecovery.delete(this.awaitingRecovery.values().next().value!);
    }
    if (this.sessions.size > SESSION_LIMIT) this.forgetSessions(now);
  }

  /**
   * Forgets sessions down to 80% of the limit (amortising the sort): healthy ones first, oldest
   * first; only a flood of failing sessions forgets failing ones.
   */
  private forgetSessions(now: number): void {
    const byAge = [...this.sessions.entries()]
      .map(([key, session]) => ({ key, at: session.reflectsUpTo, healthy: this.phaseAt(session, now) === 'healthy' }))
      .sort((a, b) => Number(b.healthy) - Number(a.healthy) || a.at - b.at);
    const excess = this.sessions.size - Math.floor(SESSION_LIMIT * 0.8);
    for (const { key } of byAge.slice(0, excess)) {
      this.sessions.delete(key);
      this.active.delete(key);
    }
  }

  /** The failure the UI headlines at `now` (see `TrackerSnapshot.failure`), or null. */
  private shownAt(now: number): RetainedFailure | null {
    let headline: RetainedFailure | null = null;
    let recovered: SessionState | null = null;
    for (const key of this.active) {
      const session = this.sessions.get(key);
      if (!session) continue;
      const phase = this.phaseAt(session, now);
      if ((phase === 'failing' || phase === 'retrying') && session.failure) {
        if (!headline || outranks(session.failure, headline)) headline = session.failure;
      } else if (phase === 'recovered' && (!recovered || session.recoveredAt! > recovered.recoveredAt!)) {
        recovered = session;
      }
    }
    return headline ?? recovered?.recoveredFrom ?? null;
  }

  /** `shown`'s episode among the failures that count, oldest first (episodes.ts decides). */
  private episodeOf(shown: RetainedFailure | null): ApiFailureEvent[] {
    if (!shown) return [];
    const counted: ApiFailureEvent[] = [];
    for (const item of this.failures) if (this.counts(item)) counted.push(item.event);
    return episodeAround(counted, shown.event, this.quietPeriodMs);
  }

  private computeSnapshot(now: number): TrackerSnapshot {
    let headline: RetainedFailure | null = null;
    let latestRetry: RetainedFailure | null = null;
    let recovered: SessionState | null = null;
    const affected: { key: string; at: number }[] = [];
    for (const key of this.active) {
      const session = this.sessions.get(key);
      if (!session) continue;
      const phase = this.phaseAt(session, now);
      if ((phase === 'failing' || phase === 'retrying') && session.failure) {
        const failure = session.failure;
        affected.push({ key, at: failure.at });
        if (!headline || outranks(failure, headline)) headline = failure;
        if (phase === 'retrying' && (!latestRetry || failure.at > latestRetry.at)) latestRetry = failure;
      } else if (phase === 'recovered' && (!recovered || session.recoveredAt! > recovered.recoveredAt!)) {
        recovered = session;
      }
    }

    let failedRequestsLastHour = 0;
    let retriesLastHour = 0;
    for (const item of this.failures) {
      if (!item.inScope || item.at <= now - HOUR_MS) continue;
      if (item.event.kind === 'retry') retriesLastHour++;
      else failedRequestsLastHour++;
    }

    const shown = headline ?? recovered?.recoveredFrom ?? null;
    const retryItem = headline?.event.kind === 'retry' ? headline : latestRetry;
    const state: TrackerState = headline
      ? headline.event.kind === 'retry'
        ? 'retrying'
        : 'failing'
      : recovered
        ? 'recovered'
        : 'healthy';
    const episode = this.episodeOf(shown);
    const episodeTime = (event: ApiFailureEvent | undefined) => (event ? Date.parse(event.timestamp!) : null);
    let retries = 0;
    for (const event of episode) if (event.kind === 'retry') retries++;
    return {
      state,
      failure: shown?.event ?? null,
      failureAt: shown?.at ?? null,
      failureClass: shown?.event.failureClass ?? null,
      status: shown?.event.status ?? null,
      failureCount: episode.length,
      failedRequests: episode.length - retries,
      retries,
      retry: retryItem
        ? {
            attempt: retryItem.event.attempt,
            maxRetries: retryItem.event.maxRetries,
            nextRetryAt: retryItem.event.retryInMs !== null ? retryItem.at + retryItem.event.retryInMs : null,
            event: retryItem.event,
          }
        : null,
      affectedSessions: (affected.length > 1 ? affected.sort((a, b) => b.at - a.at) : affected).map((a) => a.key),
      failuresLastHour: failedRequestsLastHour + retriesLastHour,
      failedRequestsLastHour,
      retriesLastHour,
      outageStartedAt: episodeTime(episode[0]),
      lastFailureAt: episodeTime(episode[episode.length - 1]),
      recoveredAt: state === 'recovered' ? recovered!.recoveredAt : null,
    };
  }

  private emitIfChanged(now: number): TrackerSnapshot {
    const snapshot = this.computeSnapshot(now);
    if (!sameSnapshot(snapshot, this.lastEmitted)) {
      this.lastEmitted = snapshot;
      this.changed.fire(snapshot);
    }
    return snapshot;
  }
}

/** Whether two snapshots differ for the UI: events by identity, everything else by value. */
function sameSnapshot(a: TrackerSnapshot, b: TrackerSnapshot): boolean {
  return (
    a.state === b.state &&
    a.failure === b.failure &&
    a.failureCount === b.failureCount &&
    a.retry?.event === b.retry?.event &&
    a.failuresLastHour === b.failuresLastHour &&
    a.failedRequestsLastHour === b.failedRequestsLastHour &&
    a.failedRequests === b.failedRequests &&
    a.outageStartedAt === b.outageStartedAt &&
    a.lastFailureAt === b.lastFailureAt &&
    a.recoveredAt === b.recoveredAt &&
    a.affectedSessions.length === b.affectedSessions.length &&
    a.affectedSessions.every((key, i) => key === b.affectedSessions[i])
  );
}
