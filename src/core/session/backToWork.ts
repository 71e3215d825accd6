// Back to work: when the user can work again, and whether to tell them. A plan limit that resets
// (unless Claude Code continued the session by itself), and an Anthropic outage the user was told
// about once there is evidence the API answers again (a success in any session in scope, or the
// status page no longer listing the incident seen during the outage). Pure: the session feeds it
// events in scope, its outage notices and the status page's answers, with the injected clock.
import { familyOf } from '../episodes';
import type { AnthropicStatus } from '../health/statusPage';
import { isCreditCap, limitWindowFromWording, planLimitResetAt } from '../planLimit';
import { sessionKey } from '../tracker';
import type { ApiEvent, ApiFailureEvent } from '../types';

/** From this version on, Claude Code continues a session by itself when its plan limit resets. */
export const AUTO_CONTINUE_VERSION = '2.1.234';
/** How long such a version has after the reset to continue the session before the user is told. */
export const LIMIT_RESET_GRACE_MS = 30_000;
/** How long after its last failure an outage still waits for evidence that the API answers. */
export const BACK_TO_WORK_WAIT_MS = 3 * 3_600_000;
/** Limits and outages already told of, remembered so that a transcript read again tells nothing twice. */
const TOLD_LIMIT = 200;

/** A plan limit has reset and Claude Code has not continued the session by itself. */
export interface LimitResetNotice {
  reason: 'limitReset';
  /** One notification per key: the session and the reset. */
  key: string;
  /** The plan-limit failure (its session is the one to resume). */
  failure: ApiFailureEvent;
  /** Epoch ms. */
  resetAt: number;
  /** `5-hour`, `7-day`, ...; null when neither `quotaLimits` nor the wording names it. */
  window: string | null;
}

/** Why the API is believed to answer again. */
export type AnswerEvidence =
  /** A request succeeded after the outage's last failure; `sameSession`: in a session that had given up. */
  | { kind: 'success'; sessionId: string | null; cwd: string | null; sameSession: boolean }
  /** The status page no longer lists, as unresolved, the incident it listed during the outage. */
  | { kind: 'incidentResolved'; incident: string; url: string | null };

/** An Anthropic outage the user was told about is over: the API answers again. */
export interface AnsweredAgain {
  /** The outage's notice key. */
  key: string;
  /** Epoch ms of the outage's first failure, and of the evidence. */
  outageStartedAt: number;
  answeredAt: number;
  /** The time lost: from the first failure to the evidence. */
  lostMs: number;
  evidence: AnswerEvidence;
  /** The failure of a session that gave up and has not gone on since (the one to resume), else the outage's last one. */
  failure: ApiFailureEvent;
}

export interface BackToWorkNotice extends AnsweredAgain {
  reason: 'backToWork';
}

export type ReturnNotice = LimitResetNotice | BackToWorkNotice;

interface PendingLimit {
  key: string;
  failure: ApiFailureEvent;
  failedAt: number;
  resetAt: number;
  dueAt: number;
}

interface PendingOutage {
  key: string;
  startedAt: number;
  lastFailureAt: number;
  last: ApiFailureEvent;
  /** Sessions that gave up (a final failure) and have not succeeded since, with that failure. */
  gaveUp: Map<string, ApiFailureEvent>;
  /** Unresolved incidents the status page listed during the outage: name → link. */
  incidents: Map<string, string | null>;
}

export interface BackToWorkOptions {
  now: () => number;
  /** Epoch ms the session started watching: a reset before it is old news. */
  watchingSince: number;
}

/** Whether Claude Code `version` continues a session by itself at its limit's reset. */
export function continuesAfterReset(version: string | null): boolean {
  const parts = (version ?? '').split('.').map((part) => Number.parseInt(part, 10));
  const floor = AUTO_CONTINUE_VERSION.split('.').map(Number);
  for (let i = 0; i < floor.length; i++) {
    const part = parts[i];
    if (!Number.isFinite(part)) return false;
    if (part !== floor[i]) return part > floor[i];
  }
  return true;
}

export class BackToWork {
  readonly #now: () => number;
  readonly #watchingSince: number;
  /** Plan limits waiting for their reset, by session. */
  readonly #limits = new Map<string, PendingLimit>();
  #outage: PendingOutage | null = null;
  #answered: AnsweredAgain | null = null;
  #ready: ReturnNotice[] = [];
  readonly #told = new Set<string>();

  constructor(options: BackToWorkOptions) {
    this.#now = options.now;
    this.#watchingSince = options.watchingSince;
  }

  /** Whether an outage waits for evidence the API answers: then a success in any session is news. */
  get waitingForAnswer(): boolean {
    return this.#outage !== null;
  }

  /** The last outage the API came back from, or null. */
  get answered(): AnsweredAgain | null {
    return this.#answered;
  }

  /** An event of a session in scope. Returns whether anything changed (a limit or outage taken or ended). */
  observe(event: ApiEvent): boolean {
    const at = Date.parse(event.timestamp ?? '');
    if (!Number.isFinite(at) || event.kind === 'interrupt') return false;
    const key = sessionKey(event);
    let changed = false;
    // Anything else the session did after its limit (a response, another error): it went on by itself.
    const limit = this.#limits.get(key);
    if (limit && at > limit.failedAt && !(event.kind !== 'success' && event.failureClass === 'rate_limit')) {
      this.#limits.delete(key);
      changed = true;
    }
    if (event.kind === 'success') return this.#success(event.sessionId, event.cwd, key, at) || changed;
    // A refusal: the session went on (the API answered, the model declined); no outage's part.
    if (event.kind === 'refusal') return changed;
    if (event.kind === 'failure' && event.failureClass === 'rate_limit') changed = this.#limit(event, key, at) || changed;
    const outage = this.#outage;
    if (outage && familyOf(event.failureClass) === 'anthropic' && at >= outage.startedAt) {
      if (at >= outage.lastFailureAt) {
        outage.lastFailureAt = at;
        outage.last = event;
      }
      if (event.kind === 'failure') outage.gaveUp.set(key, event);
      changed = true;
    }
    return changed;
  }

  /**
   * The user was told Claude Code gave up during this Anthropic outage (`events`: its failures so
   * far, oldest first); `status`: what the status page says now.
   */
  outageNotified(key: string, events: readonly ApiFailureEvent[], status: AnthropicStatus | null): void {
    if (this.#outage?.key === key || this.#told.has(key) || events.length === 0) return;
    const times = events.map((event) => Date.parse(event.timestamp ?? '')).filter(Number.isFinite);
    if (times.length === 0) return;
    const gaveUp = new Map<string, ApiFailureEvent>();
    for (const event of events) if (event.kind === 'failure') gaveUp.set(sessionKey(event), event);
    this.#outage = {
      key,
      startedAt: Math.min(...times),
      lastFailureAt: Math.max(...times),
      last: events[events.length - 1],
      gaveUp,
      incidents: new Map(),
    };
    this.statusPage(status);
  }

  /** The status page answered. Returns whether the outage it was waiting on is over. */
  statusPage(status: AnthropicStatus | null): boolean {
    const outage = this.#waitingOutage(this.#now());
    if (!outage || status?.kind !== 'reported') return false;
    const listed = new Set(status.incidents.map((incident) => incident.name));
    for (const [name, url] of outage.incidents) {
      if (listed.has(name)) continue;
      const fetchedAt = Date.parse(status.fetchedAt);
      this.#answer(outage, Number.isFinite(fetchedAt) ? fetchedAt : this.#now(), { kind: 'incidentResolved', incident: name, url });
      return true;
    }
    for (const incident of status.incidents) outage.incidents.set(incident.name, incident.url);
    return false;
  }

  /** The scope changed: limits and outages of sessions no longer in it are not waited on any more. */
  retain(inScope: (event: ApiFailureEvent) => boolean): void {
    for (const [key, limit] of this.#limits) if (!inScope(limit.failure)) this.#limits.delete(key);
    const outage = this.#outage;
    if (!outage) return;
    for (const [key, failure] of outage.gaveUp) if (!inScope(failure)) outage.gaveUp.delete(key);
    if (outage.gaveUp.size === 0 && !inScope(outage.last)) this.#outage = null;
  }

  /** The user's "Clear": what was seen so far is not waited on any more. */
  clear(): void {
    this.#limits.clear();
    this.#outage = null;
  }

  /** The notices due now, each once; what waited too long is dropped. */
  take(): ReturnNotice[] {
    const now = this.#now();
    for (const [key, limit] of this.#limits) {
      if (limit.dueAt > now) continue;
      this.#limits.delete(key);
      if (this.#tell(limit.key)) {
        this.#ready.push({ reason: 'limitReset', key: limit.key, failure: limit.failure, resetAt: limit.resetAt, window: limitWindow(limit.failure) });
      }
    }
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  /** When take() next has something to do by the clock alone, or null. */
  nextDueAt(): number | null {
    let next = Infinity;
    for (const limit of this.#limits.values()) next = Math.min(next, limit.dueAt);
    return next === Infinity ? null : next;
  }

  /** The outage still waiting at `at`: one that waited too long is dropped (no timer needed for it). */
  #waitingOutage(at: number): PendingOutage | null {
    if (this.#outage && at > this.#outage.lastFailureAt + BACK_TO_WORK_WAIT_MS) this.#outage = null;
    return this.#outage;
  }

  #limit(failure: ApiFailureEvent, key: string, at: number): boolean {
    if (isCreditCap(failure.wording ?? failure.message)) return false;
    const resetAt = planLimitResetAt(failure);
    // A reset before the session started watching was not waited for; one not after the failure is no reset.
    if (resetAt === null || resetAt <= this.#watchingSince || resetAt <= at) return false;
    const noticeKey = `limitReset:${key}@${resetAt}`;
    if (this.#told.has(noticeKey)) return false;
    const dueAt = resetAt + (continuesAfterReset(failure.version) ? LIMIT_RESET_GRACE_MS : 0);
    this.#limits.set(key, { key: noticeKey, failure, failedAt: at, resetAt, dueAt });
    return true;
  }

  #success(sessionId: string | null, cwd: string | null, key: string, at: number): boolean {
    const outage = this.#waitingOutage(at);
    if (!outage || at <= outage.lastFailureAt) return false;
    const sameSession = outage.gaveUp.delete(key);
    this.#answer(outage, at, { kind: 'success', sessionId, cwd, sameSession });
    return true;
  }

  /**
   * The outage is over. Told unless every session that gave up has gone on by itself (the user
   * retried there): then the status item and its tooltip say it, and nothing interrupts.
   */
  #answer(outage: PendingOutage, at: number, evidence: AnswerEvidence): void {
    this.#outage = null;
    const waiting = [...outage.gaveUp.values()];
    const failure = waiting.length > 0 ? waiting.reduce((a, b) => (Date.parse(b.timestamp ?? '') > Date.parse(a.timestamp ?? '') ? b : a)) : outage.last;
    const answered: AnsweredAgain = { key: outage.key, outageStartedAt: outage.startedAt, answeredAt: at, lostMs: Math.max(0, at - outage.startedAt), evidence, failure };
    this.#answered = answered;
    if (waiting.length > 0 && this.#tell(`backToWork:${outage.key}`)) this.#ready.push({ reason: 'backToWork', ...answered });
  }

  /** Whether `key` is news (and remembers it). */
  #tell(key: string): boolean {
    if (this.#told.has(key)) return false;
    this.#told.add(key);
    if (this.#told.size > TOLD_LIMIT) this.#told.delete(this.#told.values().next().value!);
    return true;
  }
}

/** The limit's window: `quotaLimits.rateLimitType` in words, else what the wording names. */
export function limitWindow(failure: ApiFailureEvent): string | null {
  return failure.limitWindow ?? limitWindowFromWording(failure.wording ?? failure.message);
}

/** `23 min`, `1 h 5 min`, `less than a minute`. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** `Your 5-hour limit has reset`, `Your plan limit has reset`. */
export function limitResetMessage(notice: Pick<LimitResetNotice, 'window'>): string {
  return notice.window ? `Your ${notice.window} limit has reset` : 'Your plan limit has reset';
}

/** What the evidence is, in a few words: `a request succeeded in another session`, `Anthropic resolved "…"`. */
export function describeEvidence(evidence: AnswerEvidence): string {
  if (evidence.kind === 'incidentResolved') return `Anthropic's status page resolved "${evidence.incident}"`;
  return evidence.sameSession ? 'a request succeeded in the session' : 'a request succeeded in another session';
}

/** `Anthropic's API answers again (a request succeeded in another session): down for 23 min`. */
export function backToWorkMessage(answered: AnsweredAgain): string {
  return `Anthropic's API answers again (${describeEvidence(answered.evidence)}): down for ${formatDuration(answered.lostMs)}`;
}
