import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureTracker, type FailureTrackerOptions, type TrackerSnapshot } from '../../src/core/tracker';
import type { ApiEvent } from '../../src/core/types';
import { failureAt, interruptAt, retryAt, successAt } from '../fixtures/events';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const SEC = 1000;
const MIN = 60 * SEC;
const QUIET = 10 * MIN;
const ALL_CLEAR = MIN;

const failure = failureAt;
const retry = retryAt;
const success = successAt;
const interrupt = interruptAt;

const overloaded = { status: 529, failureClass: 'overloaded', errorType: 'overloaded_error', message: '529 Overloaded' } as const;
const auth = { status: 401, failureClass: 'auth', errorType: 'authentication_error', message: 'Not logged in' } as const;
const rateLimit = { status: 429, failureClass: 'rate_limit', errorType: 'rate_limit', message: 'Rate limited' } as const;

let clock = T0;
function tracker(options: Partial<FailureTrackerOptions> = {}): FailureTracker {
  return new FailureTracker({ now: () => clock, quietPeriodMs: QUIET, allClearMs: ALL_CLEAR, ...options });
}

/** Records while the clock shows the event's own time, as a live tail would. */
function live(t: FailureTracker, event: ApiEvent): void {
  clock = Date.parse(event.timestamp!);
  t.record(event);
}

function advanceTo(t: FailureTracker, at: number): TrackerSnapshot {
  clock = at;
  t.tick();
  return t.snapshot();
}

beforeEach(() => {
  clock = T0;
});

describe('FailureTracker transitions', () => {
  it('starts healthy with nothing scheduled', () => {
    const t = tracker();
    const s = t.snapshot();
    assert.equal(s.state, 'healthy');
    assert.equal(s.failure, null);
    assert.equal(s.failureCount, 0);
    assert.equal(s.failuresLastHour, 0);
    assert.deepEqual(s.affectedSessions, []);
    assert.equal(t.nextTransitionAt(), null);
    assert.deepEqual(t.currentOutage(), []);
  });

  it('goes healthy → retrying → failing → recovered → healthy', () => {
    const t = tracker();
    const states: string[] = [];
    t.onDidChange((s) => states.push(s.state));

    const r1 = retry(T0, 1, overloaded);
    live(t, r1);
    let s = t.snapshot();
    assert.equal(s.state, 'retrying');
    assert.equal(s.status, 529);
    assert.equal(s.failureClass, 'overloaded');
    assert.deepEqual(s.retry, { attempt: 1, maxRetries: 10, nextRetryAt: T0 + 2 * SEC, event: r1 });
    assert.equal(s.outageStartedAt, T0);

    live(t, retry(T0 + 3 * SEC, 2, overloaded));
    assert.equal(t.snapshot().retry?.attempt, 2);

    const final = failure(T0 + 10 * SEC, overloaded);
    live(t, final);
    s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failure, final);
    assert.equal(s.failureAt, T0 + 10 * SEC);
    assert.equal(s.failureCount, 3, 'two retries and the final failure');
    // One request: it failed once, after two retries.
    assert.equal(s.failedRequests, 1);
    assert.equal(s.retries, 2);
    assert.equal(s.failedRequestsLastHour, 1);
    assert.equal(s.retriesLastHour, 2);
    assert.equal(s.retry, null);
    assert.deepEqual(s.affectedSessions, ['s1']);
    assert.equal(s.lastFailureAt, T0 + 10 * SEC);

    live(t, success(T0 + 40 * SEC));
    s = t.snapshot();
    assert.equal(s.state, 'recovered');
    assert.equal(s.recoveredAt, T0 + 40 * SEC);
    assert.equal(s.failure, final, 'the failure recovered from');
    assert.deepEqual(s.affectedSessions, []);
    assert.equal(t.nextTransitionAt(), T0 + 40 * SEC + ALL_CLEAR);

    s = advanceTo(t, T0 + 40 * SEC + ALL_CLEAR - 1);
    assert.equal(s.state, 'recovered');
    s = advanceTo(t, T0 + 40 * SEC + ALL_CLEAR);
    assert.equal(s.state, 'healthy');
    assert.equal(s.failure, null);
    assert.equal(s.recoveredAt, null);

    assert.deepEqual(states, ['retrying', 'retrying', 'failing', 'recovered', 'healthy']);
  });

  it('expires a failure after the quiet period without a success', () => {
    const t = tracker();
    live(t, failure(T0));
    assert.equal(t.nextTransitionAt(), T0 + QUIET);
    assert.equal(advanceTo(t, T0 + QUIET - 1).state, 'failing');
    const s = advanceTo(t, T0 + QUIET);
    assert.equal(s.state, 'healthy');
    assert.equal(s.failureCount, 0);
    assert.equal(s.outageStartedAt, null);
    assert.deepEqual(t.currentOutage(), []);
    assert.equal(t.nextTransitionAt(), null);
    assert.equal(s.failuresLastHour, 1, 'history still counts it');
  });

  it('stops showing an overdue retry a quiet period after its next attempt was due', () => {
    const t = tracker();
    live(t, retry(T0, 4, { retryInMs: 30 * SEC }));
    assert.equal(t.nextTransitionAt(), T0 + 30 * SEC + QUIET);
    assert.equal(advanceTo(t, T0 + 30 * SEC + QUIET - 1).state, 'retrying');
    assert.equal(advanceTo(t, T0 + 30 * SEC + QUIET).state, 'healthy');
  });

  it('caps a huge retryInMs so a retry cannot stay current for ever', () => {
    const t = tracker();
    live(t, retry(T0, 1, { retryInMs: 48 * 60 * MIN }));
    assert.equal(t.nextTransitionAt(), T0 + 2 * QUIET);
  });

  it('does not call a success recovered when the failure had already expired', () => {
    const t = tracker();
    live(t, failure(T0));
    live(t, success(T0 + QUIET + SEC));
    assert.equal(t.snapshot().state, 'healthy');
  });

  it('keeps the first success as the recovery time', () => {
    const t = tracker();
    live(t, failure(T0));
    live(t, success(T0 + 5 * SEC));
    live(t, success(T0 + 20 * SEC));
    assert.equal(t.snapshot().recoveredAt, T0 + 5 * SEC);
  });

  it('a new failure after a recovery is failing again, in the same outage', () => {
    const t = tracker();
    live(t, failure(T0));
    live(t, success(T0 + 10 * SEC));
    live(t, failure(T0 + 5 * MIN));
    const s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failureCount, 2);
    assert.equal(s.outageStartedAt, T0);
  });
});

describe('FailureTracker ordering', () => {
  it('orders by timestamp within a session: an older retry does not replace a newer one', () => {
    const t = tracker();
    clock = T0 + 10 * SEC;
    t.record(retry(T0 + 5 * SEC, 2));
    t.record(retry(T0, 1));
    assert.equal(t.snapshot().retry?.attempt, 2);
    assert.equal(t.snapshot().failureCount, 2, 'both belong to the outage');
  });

  it('ignores a failure older than a success the session already reflects', () => {
    const t = tracker();
    clock = T0 + 30 * SEC;
    t.record(success(T0 + 20 * SEC));
    const late = failure(T0 + 10 * SEC);
    t.record(late);
    const s = t.snapshot();
    assert.equal(s.state, 'healthy');
    assert.deepEqual(t.recentFailures(10), [late], 'still part of the history');
    assert.equal(s.failuresLastHour, 1);
  });

  it('ignores a success older than the failure it would end', () => {
    const t = tracker();
    clock = T0 + 30 * SEC;
    t.record(failure(T0 + 20 * SEC));
    t.record(success(T0 + 10 * SEC));
    assert.equal(t.snapshot().state, 'failing');
  });

  it('accepts sessions arriving out of order relative to each other', () => {
    const t = tracker();
    clock = T0 + MIN;
    t.record(failure(T0 + 50 * SEC, { sessionId: 'b' }));
    t.record(failure(T0 + 10 * SEC, { sessionId: 'a' }));
    const s = t.snapshot();
    assert.deepEqual(s.affectedSessions, ['b', 'a']);
    assert.equal(s.outageStartedAt, T0 + 10 * SEC);
    assert.deepEqual(
      t.currentOutage().map((e) => e.sessionId),
      ['a', 'b'],
      'oldest first',
    );
  });

  it('at start-up, events too old to be current are history only, and very old ones are dropped', () => {
    const t = tracker();
    clock = T0;
    t.record(failure(T0 - 3 * 60 * MIN));
    t.record(failure(T0 - 30 * MIN));
    const s = t.snapshot();
    assert.equal(s.state, 'healthy');
    assert.equal(s.failuresLastHour, 1);
    assert.equal(t.recentFailures(10).length, 1);
  });

  it('at start-up, a recent failure still counts as current', () => {
    const t = tracker();
    clock = T0;
    t.record(retry(T0 - 2 * MIN, 3));
    assert.equal(t.snapshot().state, 'retrying');
  });

  it('counts a line read twice once', () => {
    const t = tracker();
    const calls: TrackerSnapshot[] = [];
    t.onDidChange((s) => calls.push(s));
    const f = failure(T0);
    live(t, f);
    live(t, { ...f });
    assert.equal(t.snapshot().failureCount, 1);
    assert.equal(calls.length, 1);
  });

  it('ignores events without a usable timestamp', () => {
    const t = tracker();
    t.record(failure(T0, { timestamp: null }));
    t.record(failure(T0, { timestamp: 'yesterday' }));
    assert.equal(t.snapshot().state, 'healthy');
    assert.equal(t.recentFailures(10).length, 0);
  });

  it('keys a session without an id by its file', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: null, file: '/p/a.jsonl' }));
    live(t, failure(T0 + SEC, { sessionId: null, file: '/p/b.jsonl' }));
    live(t, success(T0 + 2 * SEC, { sessionId: null, file: '/p/a.jsonl' }));
    assert.deepEqual(t.snapshot().affectedSessions, ['/p/b.jsonl']);
  });
});

describe('FailureTracker with several sessions', () => {
  it('stays failing while one session recovers and another still fails', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: 'a' }));
    live(t, failure(T0 + SEC, { sessionId: 'b' }));
    live(t, success(T0 + 2 * SEC, { sessionId: 'b' }));
    const s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.deepEqual(s.affectedSessions, ['a']);
    assert.equal(s.failure?.sessionId, 'a');
    live(t, success(T0 + 3 * SEC, { sessionId: 'a' }));
    assert.equal(t.snapshot().state, 'recovered');
    assert.equal(t.snapshot().recoveredAt, T0 + 3 * SEC, 'the latest recovery');
  });

  it('lets server and overloaded errors outrank auth and rate limits, then prefers the most recent', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: 'a' }));
    live(t, failure(T0 + SEC, { sessionId: 'b', ...auth }));
    let s = t.snapshot();
    assert.equal(s.status, 500);
    assert.equal(s.failureClass, 'server');

    live(t, failure(T0 + 2 * SEC, { sessionId: 'c', ...overloaded }));
    s = t.snapshot();
    assert.equal(s.status, 529, 'same tier as 500: the more recent wins');
    assert.deepEqual(s.affectedSessions, ['c', 'b', 'a']);

    live(t, success(T0 + 3 * SEC, { sessionId: 'a' }));
    live(t, success(T0 + 3 * SEC, { sessionId: 'c' }));
    s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failureClass, 'auth');

    live(t, failure(T0 + 4 * SEC, { sessionId: 'd', ...rateLimit }));
    assert.equal(t.snapshot().failureClass, 'rate_limit', 'among the rest, the most recent');
  });

  it('reports retrying when the headline is a retry, and the retry in progress when it is not', () => {
    const t = tracker();
    live(t, retry(T0, 2, { sessionId: 'a', ...rateLimit }));
    live(t, failure(T0 + SEC, { sessionId: 'b' }));
    const s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.status, 500);
    assert.equal(s.retry?.attempt, 2);
    assert.equal(s.retry?.event.sessionId, 'a');

    live(t, retry(T0 + 2 * SEC, 1, { sessionId: 'c', ...overloaded }));
    assert.equal(t.snapshot().state, 'retrying');
    assert.equal(t.snapshot().retry?.event.sessionId, 'c');
  });

  it('schedules the earliest transition of all sessions', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: 'a' }));
    live(t, failure(T0 + MIN, { sessionId: 'b' }));
    live(t, success(T0 + 2 * MIN, { sessionId: 'b' }));
    assert.equal(t.nextTransitionAt(), T0 + 2 * MIN + ALL_CLEAR);
    advanceTo(t, T0 + 2 * MIN + ALL_CLEAR);
    assert.equal(t.nextTransitionAt(), T0 + QUIET);
    assert.equal(t.snapshot().state, 'failing');
    assert.equal(advanceTo(t, T0 + QUIET).state, 'healthy');
    // Healthy shows no outage: nothing is left to schedule.
    assert.equal(t.nextTransitionAt(), null);
    assert.deepEqual(t.currentOutage(), []);
  });
});

describe('FailureTracker outages', () => {
  it('counts the headline failure\'s episode: one family, gaps shorter than the quiet period', () => {
    const t = tracker();
    live(t, retry(T0, 1, { sessionId: 'a' }));
    live(t, retry(T0 + 2 * SEC, 2, { sessionId: 'a' }));
    live(t, failure(T0 + 5 * SEC, { sessionId: 'b' }));
    assert.equal(t.snapshot().failureCount, 3);

    // Nine minutes after the last failure: same episode.
    live(t, failure(T0 + 5 * SEC + 9 * MIN, { sessionId: 'c' }));
    assert.equal(t.snapshot().failureCount, 4);
    assert.equal(t.snapshot().outageStartedAt, T0);

    // No tick in between: the episode ended anyway, so this is a new one.
    live(t, failure(T0 + 5 * SEC + 9 * MIN + QUIET + SEC, { sessionId: 'c' }));
    assert.equal(t.snapshot().failureCount, 1);
    assert.equal(t.currentOutage().length, 1);
  });

  it('does not count another family in the outage: a 401 beside a 500 outage is its own episode', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: 'a' }));
    live(t, failure(T0 + SEC, { sessionId: 'b', ...auth }));
    live(t, failure(T0 + 2 * SEC, { sessionId: 'c', ...overloaded }));
    const s = t.snapshot();
    assert.equal(s.failureClass, 'overloaded', 'Anthropic outranks the user\'s own problem');
    assert.equal(s.failureCount, 2, 'the 500 and the 529 are one family; the 401 is not');
    assert.deepEqual(t.currentOutage().map((e) => e.status), [500, 529]);
  });

  it('lists the whole burst of every in-scope session for the bug report, not the earlier one', () => {
    const t = tracker();
    live(t, failure(T0, { sessionId: 'old' }));
    const burst = [
      retry(T0 + QUIET + MIN, 1, { sessionId: 'a' }),
      retry(T0 + QUIET + MIN + 3 * SEC, 2, { sessionId: 'a' }),
      failure(T0 + QUIET + 2 * MIN, { sessionId: 'b' }),
    ];
    for (const e of burst) live(t, e);
    live(t, success(T0 + QUIET + 3 * MIN, { sessionId: 'a' }));
    assert.deepEqual(t.currentOutage(), burst);
    assert.equal(t.snapshot().failuresLastHour, 4);
  });

  it('does not notify for a late failure the session had already moved past', () => {
    const t = tracker();
    clock = T0 + MIN;
    t.record(success(T0 + 30 * SEC));
    t.record(failure(T0 + 10 * SEC));
    live(t, failure(T0 + 2 * MIN));
  });
});

describe('FailureTracker clear', () => {
  it('clears what is current and never brings the same events back', () => {
    const t = tracker();
    const seen = [retry(T0, 1), failure(T0 + 5 * SEC), failure(T0 + 6 * SEC, { sessionId: 's2' })];
    for (const e of seen) live(t, e);
    clock = T0 + 10 * SEC;
    t.clear();
    let s = t.snapshot();
    assert.equal(s.state, 'healthy');
    assert.equal(s.failureCount, 0);
    assert.deepEqual(t.currentOutage(), []);
    assert.equal(t.nextTransitionAt(), null);

    // Re-reading the files (same lines, or copies under new ids) changes nothing.
    for (const e of seen) t.record(e);
    for (const e of seen) t.record({ ...e, uuid: `${e.uuid}-again` });
    t.tick();
    assert.equal(t.snapshot().state, 'healthy');
    // A success in that session is not a recovery from the cleared failure.
    live(t, success(T0 + 20 * SEC));
    assert.equal(t.snapshot().state, 'healthy');

    const fresh = failure(T0 + MIN, overloaded);
    live(t, fresh);
    s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failureCount, 1);
    assert.equal(s.outageStartedAt, T0 + MIN);
    assert.equal(t.recentFailures(100).length, 7, 'history keeps what was cleared');
  });

  it('counts a failure stamped in the clear\'s own millisecond and read after it as new', () => {
    const t = tracker();
    live(t, failure(T0 - SEC));
    clock = T0;
    t.clear();
    t.record(failure(T0 - 1, { uuid: 'late-but-older' }));
    assert.equal(t.snapshot().state, 'healthy', 'a line stamped before the clear stays cleared');
    t.record(retry(T0, 1, { uuid: 'new-in-that-ms', sessionId: 's2' }));
    const s = t.snapshot();
    assert.equal(s.state, 'retrying');
    assert.equal(s.failureCount, 1);
    assert.deepEqual(s.affectedSessions, ['s2']);
  });

  it('uses the newest failure time as the watermark when it is ahead of the clock', () => {
    const t = tracker();
    clock = T0;
    t.record(failure(T0 + 5 * MIN)); // a transcript clock ahead of ours
    t.clear();
    t.record(failure(T0 + 4 * MIN, { uuid: 'other' }));
    assert.equal(t.snapshot().state, 'healthy');
  });
});

describe('FailureTracker scope', () => {
  const inShop = (e: ApiEvent) => e.cwd === '/home/dev/shop';

  it('ignores out-of-scope events and re-evaluates from history when the scope changes', () => {
    const t = tracker({ isInScope: inShop });
    const changes: TrackerSnapshot[] = [];
    t.onDidChange((s) => changes.push(s));

    live(t, failure(T0, { sessionId: 'blog1', cwd: '/home/dev/blog' }));
    live(t, failure(T0 + SEC, { sessionId: 'blog2', cwd: '/home/dev/blog', ...overloaded }));
    live(t, success(T0 + 2 * SEC, { sessionId: 'blog2', cwd: '/home/dev/blog' }));
    assert.equal(t.snapshot().state, 'healthy');
    assert.equal(t.snapshot().failuresLastHour, 0);
    assert.equal(changes.length, 0);

    t.configure({ isInScope: () => true });
    let s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.deepEqual(s.affectedSessions, ['blog1'], 'blog2 recovered, as replayed');
    assert.equal(s.failureCount, 2);
    assert.equal(s.failuresLastHour, 2);
    assert.equal(changes.length, 1);

    live(t, failure(T0 + 3 * SEC, { sessionId: 'blog1', cwd: '/home/dev/blog' }));

    t.configure({ isInScope: inShop });
    s = t.snapshot();
    assert.equal(s.state, 'healthy');
    assert.equal(t.recentFailures(10).length, 0);
  });

  it('replays a recovery correctly', () => {
    const t = tracker({ isInScope: () => false });
    live(t, failure(T0));
    live(t, success(T0 + 10 * SEC));
    live(t, success(T0 + 20 * SEC));
    t.configure({ isInScope: () => true });
    const s = t.snapshot();
    assert.equal(s.state, 'recovered');
    assert.equal(s.recoveredAt, T0 + 10 * SEC);
  });

  it('keeps what was cleared cleared through a scope change', () => {
    const t = tracker();
    live(t, failure(T0));
    t.clear();
    t.configure({ isInScope: () => true });
    assert.equal(t.snapshot().state, 'healthy');
  });
});

describe('FailureTracker notifications', () => {
  it('fires only when the snapshot changes, and stops once disposed', () => {
    const t = tracker();
    const calls: TrackerSnapshot[] = [];
    const subscription = t.onDidChange((s) => calls.push(s));
    live(t, success(T0));
    live(t, success(T0 + SEC));
    t.tick();
    assert.equal(calls.length, 0);

    live(t, failure(T0 + 2 * SEC));
    assert.equal(calls.length, 1);
    clock = T0 + 3 * SEC;
    t.tick();
    assert.equal(calls.length, 1, 'nothing changed');

    subscription.dispose();
    live(t, failure(T0 + 4 * SEC));
    assert.equal(calls.length, 1);
  });

  it('lets a listener dispose of itself while being notified', () => {
    const t = tracker();
    let calls = 0;
    const subscription = t.onDidChange(() => {
      calls++;
      subscription.dispose();
    });
    live(t, failure(T0));
    live(t, failure(T0 + SEC));
    assert.equal(calls, 1);
  });
});

describe('FailureTracker memory', () => {
  it('stays bounded and correct under 100k events', () => {
    const t = tracker();
    for (let i = 0; i < 100_000; i++) {
      const at = T0 + i * 100;
      const sessionId = `s${i % 5000}`;
      const event = i % 3 === 0 ? success(at, { sessionId }) : i % 3 === 1 ? retry(at, 1, { sessionId }) : failure(at, { sessionId });
      live(t, event);
      if (i % 10_000 === 0) t.tick();
    }
    assert.ok(t.recentFailures(Infinity).length <= 500);
    const s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failure?.sessionId, 's4998', 's4999 has just recovered');
    assert.ok(s.failuresLastHour <= 500);
  });

  it('forgets what is older than the retention window', () => {
    const t = tracker();
    for (let i = 0; i < 50; i++) live(t, failure(T0 + i * SEC, { sessionId: `s${i}` }));
    advanceTo(t, T0 + 3 * 60 * MIN);
    assert.deepEqual(t.recentFailures(Infinity), []);
    assert.equal(t.snapshot().failuresLastHour, 0);
  });
});

describe('FailureTracker history', () => {
  it('keeps failures as far back as historyMs for recentFailures()', () => {
    const longMemory = new FailureTracker({ now: () => T0, historyMs: 24 * 60 * MIN });
    const shortMemory = new FailureTracker({ now: () => T0 });
    for (const tracker of [longMemory, shortMemory]) {
      tracker.record(failure(T0 - 180 * MIN, { uuid: 'old' }));
      tracker.record(failure(T0 - 30 * MIN, { uuid: 'new' }));
    }
    assert.deepEqual(longMemory.recentFailures(10).map((e) => e.uuid), ['new', 'old']);
    assert.deepEqual(shortMemory.recentFailures(10).map((e) => e.uuid), ['new']);
  });
});

describe('FailureTracker reconfigured', () => {
  it('keeps cleared failures cleared through a settings change, and applies the new quiet period', () => {
    const t = tracker();
    live(t, failure(T0));
    t.clear();
    live(t, failure(T0 + 2 * MIN, { sessionId: 's2' }));
    clock = T0 + 4 * MIN;
    t.configure({ quietPeriodMs: MIN });
    assert.equal(t.snapshot().state, 'healthy', 'the new, shorter quiet period has passed for s2; s1 stays cleared');
    t.configure({ quietPeriodMs: QUIET });
    const s = t.snapshot();
    assert.equal(s.state, 'failing');
    assert.equal(s.failureCount, 1, 'only the failure after the clear');
  });
});

describe('FailureTracker interrupts', () => {
  it("the user's interrupt ends that session's retrying at once; the failure stays in the history", () => {
    const t = tracker();
    live(t, retry(T0, 2, overloaded));
    assert.equal(t.snapshot().state, 'retrying');
    live(t, interrupt(T0 + 5 * SEC));
    assert.equal(t.snapshot().state, 'healthy');
    assert.equal(t.snapshot().failuresLastHour, 1);
    assert.equal(t.recentFailures(10).length, 1);
    assert.equal(t.nextTransitionAt(), null);
  });

  it('ends only its own session, and not a final failure', () => {
    const t = tracker();
    live(t, retry(T0, 1, { ...overloaded, sessionId: 'a' }));
    live(t, retry(T0 + SEC, 1, { sessionId: 'b' }));
    live(t, interrupt(T0 + 2 * SEC, 'a'));
    assert.equal(t.snapshot().state, 'retrying');
    assert.deepEqual(t.snapshot().affectedSessions, ['b']);
    live(t, failure(T0 + 3 * SEC, { sessionId: 'b' }));
    live(t, interrupt(T0 + 4 * SEC, 'b'));
    assert.equal(t.snapshot().state, 'failing');
  });

  it('an interrupt older than the retry it would end does nothing, and a replay (scope change) keeps it', () => {
    const t = tracker();
    live(t, retry(T0, 1));
    t.record(interrupt(T0 - SEC));
    assert.equal(t.snapshot().state, 'retrying');
    live(t, interrupt(T0 + SEC));
    t.configure({ isInScope: () => true });
    assert.equal(t.snapshot().state, 'healthy');
  });
});

describe('FailureTracker plan limits', () => {
  it('a plan limit that says when it resets stays until then, past the quiet period, and goes quiet at the reset', () => {
    const t = tracker();
    const resetsAt = T0 + 2 * 60 * MIN;
    live(t, failure(T0, { ...rateLimit, status: null, resetsAt: new Date(resetsAt).toISOString(), limitWindow: '5-hour' }));
    assert.equal(t.nextTransitionAt(), resetsAt);
    clock = T0 + QUIET + MIN;
    t.tick();
    assert.equal(t.snapshot().state, 'failing');
    clock = resetsAt;
    t.tick();
    assert.equal(t.snapshot().state, 'healthy');
  });

  it('one that resets within the quiet period goes quiet at the reset, not later', () => {
    const t = tracker();
    live(t, failure(T0, { ...rateLimit, resetsAt: new Date(T0 + 2 * MIN).toISOString() }));
    assert.equal(t.nextTransitionAt(), T0 + 2 * MIN);
    clock = T0 + 2 * MIN;
    t.tick();
    assert.equal(t.snapshot().state, 'healthy');
  });
});
