// The failure tracker: API events in, one aggregate state for the status bar out. Pure and
// deterministic: time comes from the injected clock, and time-based changes (expiry, the end of
// the all-clear period) happen when the host calls tick() at nextTransitionAt().
import { DEFAULT_QUIET_PERIOD_MS } from './episodes';
import type { ApiEvent, ApiFailureEvent, ApiSuccessEvent, FailureClass } from './types';

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
  /** Failed requests (retries and final failures) in the current outage. */
  failureCount: number;
  /** The headline retry, else the most recent retry still in progress; null when none is. */
  retry: RetryProgress | null;
  /** Keys (session id, else transcript file) of the sessions failing or retrying now, most recent first. */
  affectedSessions: string[];
  /** In-scope failed requests in the last hour, cleared or not (history, not current state). */
  failuresLastHour: number;
  /**
   * Epoch ms of the first and last failure of the current outage (a burst of failures with gaps
   * shorter than the quiet period). The burst can outlast the sessions' own state: a failure soon
   * after a recovery joins it rather than starting a new outage.
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
  /**
   * A predecessor's `clearedThrough`: failures at or before it stay cleared. A tracker rebuilt
   * (say, after a settings change) must not bring back what the user cleared.
   */
  clearedThrough?: number;
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

interface Burst {
  /** Index in `failures` of the burst's first event. */
  start: number;
  /** In-scope, uncleared events from `start` on. */
  count: number;
  firstAt: number;
  lastAt: number;
  /** When the burst stops being current unless another failure joins it. */
  expiresAt: number;
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
  private readonly quietPeriodMs: number;
  private readonly allClearMs: number;
  private readonly historyLimit: number;
  /** Long enough for the last hour and for anything that can still be current. */
  private readonly retentionMs: number;
  private isInScope: (event: ApiEvent) => boolean;

  /** Every failure and retry seen (in scope or not), by time, bounded: the source for scope changes. */
  private readonly failures: RetainedFailure[] = [];
  private readonly failureIds = new Set<string>();
  /** Successes that came right after a failure of their session: all a replay needs of successes. */
  private readonly recoveries: Retained<ApiSuccessEvent>[] = [];
  /** Session keys whose last event to arrive was a failure. */
  private readonly awaitingRecovery = new Set<string>();

  /** State of in-scope sessions; `active` holds the keys that may not be healthy (tick() sweeps it). */
  private readonly sessions = new Map<string, SessionState>();
  private readonly active = new Set<string>();
  /** Events at or before this time were cleared by the user and never count as current again. */
  private clearedThroughTime: number;
  private outageAnnounced = false;

  private readonly listeners = new Set<(snapshot: TrackerSnapshot) => void>();
  private readonly outageListeners = new Set<(snapshot: TrackerSnapshot) => void>();
  private lastEmitted: TrackerSnapshot;

  constructor(options: FailureTrackerOptions) {
    this.now = options.now;
    this.quietPeriodMs = options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;
    this.allClearMs = options.allClearMs ?? DEFAULT_ALL_CLEAR_MS;
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.isInScope = options.isInScope ?? (() => true);
    this.clearedThroughTime = options.clearedThrough ?? Number.NEGATIVE_INFINITY;
    this.retentionMs = Math.max(options.historyMs ?? HOUR_MS, 2 * this.quietPeriodMs + this.allClearMs);
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
    this.endOutageIfOver(now);

    if (event.kind === 'success') {
      const item: Retained<ApiSuccessEvent> = { event, at, key, inScope: this.isInScope(event) };
      if (this.awaitingRecovery.delete(key)) insertByTime(this.recoveries, item);
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
    const snapshot = this.emitIfChanged(now);
    if (
      event.kind !== 'success' &&
      !this.outageAnnounced &&
      (snapshot.state === 'failing' || snapshot.state === 'retrying')
    ) {
      this.outageAnnounced = true;
      for (const listener of [...this.outageListeners]) listener(snapshot);
    }
  }

  /** Re-evaluates time-based state (expiry, all-clear); call at nextTransitionAt(). */
  tick(): void {
    const now = this.now();
    this.endOutageIfOver(now);
    this.prune(now);
    for (const [key, session] of this.sessions) {
      if (this.phaseAt(session, now) !== 'healthy') continue;
      this.active.delete(key);
      if (session.reflectsUpTo < now - this.retentionMs) this.sessions.delete(key);
    }
    this.emitIfChanged(now);
  }

  /** The user's "Clear indicator": nothing seen so far counts as current again. */
  clear(): void {
    const now = this.now();
    let latest = now;
    for (const f of this.failures) if (f.inScope && f.at > latest) latest = f.at;
    this.clearedThroughTime = Math.max(this.clearedThroughTime, latest);
    this.sessions.clear();
    this.active.clear();
    this.outageAnnounced = false;
    this.emitIfChanged(now);
  }

  /** Events at or before this time were cleared by the user (-Infinity when nothing was). */
  get clearedThrough(): number {
    return this.clearedThroughTime;
  }

  /** Changes which events count and re-evaluates everything from the retained history. */
  setScope(isInScope: (event: ApiEvent) => boolean): void {
    this.isInScope = isInScope;
    for (const f of this.failures) f.inScope = isInScope(f.event);
    for (const s of this.recoveries) s.inScope = isInScope(s.event);
    this.sessions.clear();
    this.active.clear();
    // Failures before successes at equal times, as the success is what ends a failure.
    const replay: (RetainedFailure | Retained<ApiSuccessEvent>)[] = [...this.failures, ...this.recoveries]
      .filter((item) => this.counts(item))
      .sort((a, b) => a.at - b.at);
    for (const item of replay) this.applyToSession(item);
    const now = this.now();
    this.endOutageIfOver(now);
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

  /** Every in-scope failure and retry of the current outage, oldest first; empty when there is none. */
  currentOutage(): ApiFailureEvent[] {
    const burst = this.currentBurst(this.now());
    if (!burst) return [];
    return this.failures
      .slice(burst.start)
      .filter((item) => this.counts(item))
      .map((item) => item.event);
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
    const burst = this.currentBurst(now);
    if (burst) next = Math.min(next, burst.expiresAt);
    return next === Infinity ? null : next;
  }

  /** Called with the new snapshot whenever it meaningfully changes. Returns an unsubscribe function. */
  subscribe(listener: (snapshot: TrackerSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called once per outage, when a recorded failure first makes the state failing or retrying:
   * the moment to raise a notification. A new outage needs the previous one to have ended (a
   * quiet period without failures) or a clear(). Returns an unsubscribe function.
   */
  onOutageStarted(listener: (snapshot: TrackerSnapshot) => void): () => void {
    this.outageListeners.add(listener);
    return () => this.outageListeners.delete(listener);
  }

  /** Sizes of what the tracker holds, for the log and to check that memory stays bounded. */
  stats(): { retainedFailures: number; retainedRecoveries: number; sessions: number } {
    return { retainedFailures: this.failures.length, retainedRecoveries: this.recoveries.length, sessions: this.sessions.size };
  }

  /** A failure is current for the quiet period; a retry for the quiet period after its next attempt was due. */
  private currentUntil(event: ApiFailureEvent, at: number): number {
    const wait = event.kind === 'retry' ? Math.min(Math.max(event.retryInMs ?? 0, 0), this.quietPeriodMs) : 0;
    return at + wait + this.quietPeriodMs;
  }

  private applyToSession(item: RetainedFailure | Retained<ApiSuccessEvent>): void {
    let session = this.sessions.get(item.key);
    if (session && item.at < session.reflectsUpTo) return;
    if (!session) {
      session = { reflectsUpTo: item.at, failure: null, recoveredAt: null, recoveredFrom: null };
      this.sessions.set(item.key, session);
    }
    session.reflectsUpTo = item.at;
    if (item.event.kind === 'success') {
      if (session.failure && item.at < session.failure.currentUntil) {
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

  /** The burst of in-scope, uncleared failures that is still current, if any. */
  private currentBurst(now: number): Burst | null {
    // Runs on every record: one pass, no allocation.
    let start = -1;
    let count = 0;
    let firstAt = 0;
    let lastAt = 0;
    let expiresAt = -Infinity;
    for (let i = 0; i < this.failures.length; i++) {
      const item = this.failures[i];
      if (!this.counts(item)) continue;
      if (item.at >= expiresAt) {
        start = i;
        count = 0;
        firstAt = item.at;
      }
      count++;
      lastAt = item.at;
      expiresAt = Math.max(expiresAt, item.currentUntil);
    }
    if (start < 0 || now >= expiresAt) return null;
    return { start, count, firstAt, lastAt, expiresAt };
  }

  /** In scope and not cleared: may be part of the current state. */
  private counts(item: Retained<ApiEvent>): boolean {
    return item.inScope && item.at > this.clearedThroughTime;
  }

  private endOutageIfOver(now: number): void {
    if (this.outageAnnounced && !this.currentBurst(now)) this.outageAnnounced = false;
  }

  private prune(now: number): void {
    const oldest = now - this.retentionMs;
    while (this.failures.length > 0 && (this.failures.length > this.historyLimit || this.failures[0].at < oldest)) {
      this.failureIds.delete(this.failures.shift()!.id);
    }
    while (this.recoveries.length > 0 && (this.recoveries.length > this.historyLimit || this.recoveries[0].at < oldest)) {
      this.recoveries.shift();
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

    const burst = this.currentBurst(now);
    let failuresLastHour = 0;
    for (const item of this.failures) if (item.inScope && item.at > now - HOUR_MS) failuresLastHour++;

    const shown = headline ?? recovered?.recoveredFrom ?? null;
    const retryItem = headline?.event.kind === 'retry' ? headline : latestRetry;
    const state: TrackerState = headline
      ? headline.event.kind === 'retry'
        ? 'retrying'
        : 'failing'
      : recovered
        ? 'recovered'
        : 'healthy';
    return {
      state,
      failure: shown?.event ?? null,
      failureAt: shown?.at ?? null,
      failureClass: shown?.event.failureClass ?? null,
      status: shown?.event.status ?? null,
      failureCount: burst?.count ?? 0,
      retry: retryItem
        ? {
            attempt: retryItem.event.attempt,
            maxRetries: retryItem.event.maxRetries,
            nextRetryAt: retryItem.event.retryInMs !== null ? retryItem.at + retryItem.event.retryInMs : null,
            event: retryItem.event,
          }
        : null,
      affectedSessions: (affected.length > 1 ? affected.sort((a, b) => b.at - a.at) : affected).map((a) => a.key),
      failuresLastHour,
      outageStartedAt: burst?.firstAt ?? null,
      lastFailureAt: burst?.lastAt ?? null,
      recoveredAt: state === 'recovered' ? recovered!.recoveredAt : null,
    };
  }

  private emitIfChanged(now: number): TrackerSnapshot {
    const snapshot = this.computeSnapshot(now);
    if (!sameSnapshot(snapshot, this.lastEmitted)) {
      this.lastEmitted = snapshot;
      for (const listener of [...this.listeners]) listener(snapshot);
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
    a.outageStartedAt === b.outageStartedAt &&
    a.lastFailureAt === b.lastFailureAt &&
    a.recoveredAt === b.recoveredAt &&
    a.affectedSessions.length === b.affectedSessions.length &&
    a.affectedSessions.every((key, i) => key === b.affectedSessions[i])
  );
}
