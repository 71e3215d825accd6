// The watch session's decisions, in plain Node: a fake clock and scheduler, events fed by hand.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AnthropicStatus } from '../../src/core/health/statusPage';
import { collectEnvironment } from '../../src/core/report/environment';
import { buildBugReport } from '../../src/core/report/report';
import type { Disposable } from '../../src/core/events';
import { localTime } from '../../src/core/statusView';
import { WatchSession, type OutageNotice, type SessionNotice, type SessionSettings, type SessionState } from '../../src/core/session/watchSession';
import type { TranscriptSourceOptions } from '../../src/core/session/transcriptSource';
import type { ApiEvent, ApiFailureEvent } from '../../src/core/types';
import { backToWorkMessage, LIMIT_RESET_GRACE_MS, limitResetMessage } from '../../src/core/session/backToWork';
import { failureAt, resetEventIds, retryAt, successAt } from '../fixtures/events';

const T0 = Date.parse('2026-03-02T12:00:00.000Z');
const SEC = 1000;
const MIN = 60 * SEC;

const SETTINGS: SessionSettings = {
  configDir: '/cfg',
  scope: 'all',
  quietPeriodMs: 10 * MIN,
  lookbackMs: 24 * 60 * MIN,
  notify: 'onPersistentRetries',
  notifyAfterAttempts: 3,
  notifyAfterMs: 30 * SEC,
  showWhenHealthy: true,
  anthropicStatusEnabled: true,
  anthropicStatusUrl: 'https://status.example/summary.json',
  healthBaseUrl: '',
};

/** A clock and a scheduler the test moves by hand. */
class FakeTime {
  now = T0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  schedule = (callback: () => void, delayMs: number): Disposable => {
    const timer = { at: this.now + delayMs, callback, cancelled: false };
    this.timers.push(timer);
    return { dispose: () => void (timer.cancelled = true) };
  };

  /** Moves to `at`, running every timer due on the way, in order. */
  advanceTo(at: number): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= at).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      this.now = Math.max(this.now, due.at);
      due.callback();
    }
    this.now = at;
  }
}

const failure = failureAt;
const overloaded = { status: 529, failureClass: 'overloaded', errorType: 'overloaded_error', message: '529 Overloaded' } as const;
const retry = (at: number, attempt: number, fields: Partial<ApiFailureEvent> = {}) => retryAt(at, attempt, { ...overloaded, ...fields });
const success = (at: number, sessionId = 's1') => successAt(at, { sessionId });

interface Harness {
  session: WatchSession;
  time: FakeTime;
  notices: SessionNotice[];
  states: SessionState[];
  statusAsked: string[];
  sourceStarts: TranscriptSourceOptions[];
  /** Records at the event's own time, as a live tail would. */
  live(event: ApiEvent): void;
}

function harness(
  options: {
    settings?: Partial<SessionSettings>;
    settingsEnv?: Record<string, Record<string, string>>;
    env?: Record<string, string>;
    /** What the status page answers at a time (default: all operational). */
    status?: (now: number) => AnthropicStatus;
  } = {},
): Harness {
  const time = new FakeTime();
  const notices: SessionNotice[] = [];
  const states: SessionState[] = [];
  const statusAsked: string[] = [];
  const sourceStarts: TranscriptSourceOptions[] = [];
  const session = new WatchSession({
    settings: { ...SETTINGS, ...options.settings },
    env: options.env ?? {},
    homedir: '/home/dev',
    platform: 'linux',
    exists: () => true,
    now: () => time.now,
    schedule: time.schedule,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    source: (sourceOptions) => {
      sourceStarts.push(sourceOptions);
      return { dispose: () => undefined };
    },
    readSettingsEnv: async (dir) => options.settingsEnv?.[dir] ?? {},
    fetchStatus: async (url): Promise<AnthropicStatus> => {
      statusAsked.push(url);
      if (options.status) return options.status(time.now);
      return { kind: 'reported', indicator: 'none', description: 'All Systems Operational', components: [], incidents: [], fetchedAt: new Date(time.now).toISOString() };
    },
  });
  session.onDidNotify((notice) => notices.push(notice));
  session.onDidChange((state) => states.push(state));
  session.start();
  return {
    session,
    time,
    notices,
    states,
    statusAsked,
    sourceStarts,
    live(event) {
      time.advanceTo(Date.parse(event.timestamp!));
      session.record(event);
    },
  };
}

/** Lets the settings.json reads (promises) finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => resetEventIds());

describe('WatchSession: when to notify', () => {
  it('never notifies for a refusal (the model declined: the API worked), and keeps the indicator quiet', () => {
    const h = harness({ settings: { notify: 'onFailure' } });
    for (let i = 0; i < 4; i++) {
      const refusal = { ...failure(T0 + i * SEC, { sessionId: `r${i}`, status: null, failureClass: 'client', message: "Fable 5's safeguards flagged this message" }), kind: 'refusal' as const, refusalCategory: 'cyber' };
      h.live(refusal);
    }
    h.time.advanceTo(T0 + 5 * MIN);
    assert.equal(h.notices.length, 0);
    assert.equal(h.session.state.snapshot.state, 'healthy');
    assert.equal(h.session.state.notice, null);
    assert.deepEqual(h.session.recentFailures(10), []);
    assert.equal(h.session.recentRefusals(10).length, 4, 'listed quietly');
    assert.equal(h.statusAsked.length, 0, 'no outage to corroborate');
  });

  it('does not notify for a retry Claude Code recovers from', () => {
    const h = harness();
    h.live(retry(T0, 1));
    h.live(success(T0 + 3 * SEC));
    h.time.advanceTo(T0 + 5 * MIN);
    assert.equal(h.notices.length, 0);
    assert.equal(h.session.state.snapshot.state, 'healthy');
  });

  it('notifies when retries are still failing at the third attempt, and again when Claude Code gives up', () => {
    const h = harness();
    h.live(retry(T0, 1));
    h.live(retry(T0 + 2 * SEC, 2));
    assert.equal(h.notices.length, 0);
    assert.equal(h.session.state.notice, null);
    h.live(retry(T0 + 5 * SEC, 3));
    assert.equal(h.notices.length, 1);
    assert.equal(h.notices[0].reason, 'retrying');
    h.live(retry(T0 + 9 * SEC, 4));
    assert.equal(h.notices.length, 1, 'one retrying notice per outage');
    h.live(failure(T0 + 20 * SEC, overloaded));
    const notice = (h.session as { state: { notice: OutageNotice | null } }).state.notice;
    assert.equal(notice?.reason, 'failure', 'the notice now says Claude Code gave up');
    // The retrying notice no longer holds (the editor withdraws it); giving up is told once, with its buttons.
    assert.deepEqual(h.notices.map((n) => n.reason), ['retrying', 'failure']);
    assert.equal(h.notices[1].key, h.notices[0].key, 'the same outage');
    h.live(failure(T0 + 25 * SEC, overloaded));
    assert.equal(h.notices.length, 2);
  });

  it("the user's interrupt ends the retrying notice: the session's notice is gone at once", () => {
    const h = harness();
    for (let attempt = 1; attempt <= 3; attempt++) h.live(retry(T0 + attempt * SEC, attempt));
    assert.equal(h.session.state.notice?.reason, 'retrying');
    h.live({ kind: 'interrupt', uuid: 'i1', sessionId: h.notices[0].failure.sessionId, timestamp: new Date(T0 + 4 * SEC).toISOString(), version: '2.1.120', cwd: h.notices[0].failure.cwd, file: h.notices[0].failure.file, line: 99 });
    assert.equal(h.session.state.notice, null);
    assert.equal(h.session.state.snapshot.state, 'healthy');
  });

  it('notifies when retries are still failing after some seconds, by the timer alone', () => {
    const h = harness();
    h.live(retry(T0, 1, { retryInMs: 60 * SEC }));
    h.time.advanceTo(T0 + 29 * SEC);
    assert.equal(h.notices.length, 0);
    h.time.advanceTo(T0 + 31 * SEC);
    assert.equal(h.notices.length, 1);
    assert.equal(h.notices[0].reason, 'retrying');
  });

  it('notifies at once when Claude Code gives up', () => {
    const h = harness();
    h.live(failure(T0));
    assert.equal(h.notices.length, 1);
    assert.equal(h.notices[0].reason, 'failure');
    assert.equal(h.notices[0].failure.status, 500);
  });

  it('onFailure waits for the final failure; off never notifies', () => {
    const onFailure = harness({ settings: { notify: 'onFailure' } });
    for (let attempt = 1; attempt <= 5; attempt++) onFailure.live(retry(T0 + attempt * SEC, attempt));
    onFailure.time.advanceTo(T0 + 2 * MIN);
    assert.equal(onFailure.notices.length, 0);
    onFailure.live(failure(T0 + 3 * MIN, overloaded));
    assert.equal(onFailure.notices.length, 1);

    const off = harness({ settings: { notify: 'off' } });
    off.live(failure(T0));
    assert.equal(off.notices.length, 0);
    assert.equal(off.session.state.notice, null);
  });

  it('a failure soon after a recovery is the same outage; one after the quiet period is a new one', () => {
    const h = harness();
    h.live(failure(T0));
    h.live(success(T0 + 10 * SEC));
    h.live(failure(T0 + 5 * MIN));
    assert.equal(h.notices.length, 1);
    h.live(failure(T0 + 30 * MIN));
    assert.equal(h.notices.length, 2);
  });

  it('says when it next updates by itself: at the expiry of the failure, or a view refresh before it; never while healthy and quiet', () => {
    const h = harness({ settings: { quietPeriodMs: MIN } });
    assert.equal(h.session.nextUpdateAt, null);
    h.live(failure(T0));
    assert.equal(h.session.nextUpdateAt, T0 + 30 * SEC, 'the view refresh comes first');
    h.time.advanceTo(T0 + 30 * SEC);
    assert.equal(h.session.nextUpdateAt, T0 + MIN, 'then the expiry');
    h.time.advanceTo(T0 + MIN);
    assert.equal(h.session.state.snapshot.state, 'healthy');
    assert.equal(h.session.nextUpdateAt, null);
  });

  it('a settings change re-reads the same outage without a second notification', () => {
    const h = harness();
    h.live(failure(T0));
    h.session.configure({ ...SETTINGS, quietPeriodMs: 20 * MIN, scope: 'workspace' });
    h.session.configure({ ...SETTINGS });
    assert.equal(h.session.state.snapshot.state, 'failing');
    assert.equal(h.notices.length, 1);
    assert.equal(h.sourceStarts.length, 1, 'the transcripts are not read again for a quiet period change');
    h.session.configure({ ...SETTINGS, configDir: '/other' });
    assert.equal(h.sourceStarts.length, 2);
    assert.deepEqual(h.sourceStarts[1].configDirs, ['/other']);
    assert.equal(h.session.state.snapshot.state, 'healthy', 'the old config dir\'s failure is not watched any more');
    h.session.configure({ ...SETTINGS });
    assert.equal(h.session.state.snapshot.state, 'failing', 'and back');
    assert.equal(h.notices.length, 1);
  });
});

describe('WatchSession: one outage for the status bar and the report', () => {
  it('the status bar\'s ×N and the report count the same requests and retries, from the status bar or from one failure', async () => {
    const h = harness();
    // A 500/529 outage over two sessions, a 401 of another session in between, and an older 500
    // more than a quiet period before: only the outage counts.
    const [A, B] = ['aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b'];
    h.live(failure(T0 - 20 * MIN, { sessionId: 'old' }));
    h.live(retry(T0, 1, { sessionId: A }));
    h.live(retry(T0 + 2 * SEC, 2, { sessionId: A }));
    h.live(failure(T0 + 5 * SEC, { sessionId: A, ...overloaded }));
    h.live(failure(T0 + 6 * SEC, { sessionId: 'c', status: 401, failureClass: 'auth', errorType: null, message: 'Not logged in' }));
    h.live(failure(T0 + 8 * SEC, { sessionId: B }));
    const { snapshot, view } = h.session.state;
    assert.equal(snapshot.failureCount, 4);
    // Two failed requests (one after two retries): ×2 counts requests, as the report does.
    assert.equal(snapshot.failedRequests, 2);
    assert.equal(snapshot.retries, 2);
    assert.match(view.text, /×2$/);

    const environment = collectEnvironment({ env: {}, platform: 'linux', osRelease: '6.1', arch: 'x64' });
    const fromStatusBar = await buildBugReport({ events: h.session.currentOutage(), environment, now: new Date(h.time.now) });
    const chosen = h.session.recentFailures(10).find((event) => event.sessionId === A && event.kind === 'retry')!;
    const fromRecentFailures = await buildBugReport({ events: h.session.episodeOf(chosen), chosen, environment, now: new Date(h.time.now) });
    for (const report of [fromStatusBar, fromRecentFailures]) {
      assert.equal(report.summary.failures + report.summary.retries, snapshot.failureCount);
      assert.equal(report.summary.failures, snapshot.failedRequests);
      assert.equal(report.summary.retries, snapshot.retries);
      // (A report shows a session by the first 8 characters of its ID, a UUID naming its transcript.)
      assert.deepEqual(report.summary.sessions, [A.slice(0, 8), B.slice(0, 8)]);
    }
  });
});

describe('WatchSession: Anthropic status page', () => {
  it('is asked only while failures are seen', async () => {
    const h = harness();
    await settle();
    h.time.advanceTo(T0 + 10 * MIN);
    assert.equal(h.statusAsked.length, 0, 'healthy means silent');
    h.live(failure(T0 + 11 * MIN));
    await settle();
    assert.equal(h.statusAsked.length, 1);
    assert.match(h.session.state.view.tooltipMarkdown, /Anthropic reports no incident/);
  });

  it('is not asked for a plan limit or a login, the user\'s own account, however long it lasts', async () => {
    const h = harness();
    await settle();
    h.live(failure(T0, { status: null, failureClass: 'rate_limit', message: "You've hit your session limit", resetsAt: new Date(T0 + 3 * 60 * MIN).toISOString() }));
    h.live(failure(T0 + MIN, { status: null, failureClass: 'auth', message: 'Not logged in', sessionId: 'other' }));
    h.time.advanceTo(T0 + 2 * 60 * MIN);
    await settle();
    assert.equal(h.session.state.snapshot.state, 'failing', 'the limit is still current');
    assert.equal(h.statusAsked.length, 0);
  });

  it('is never asked when settings.json sends Claude Code to Bedrock or a gateway', async () => {
    const envs: Record<string, string>[] = [{ CLAUDE_CODE_USE_BEDROCK: '1' }, { ANTHROPIC_BASE_URL: 'https://llm-gw.example.com' }];
    for (const settingsEnv of envs) {
      const h = harness({ settingsEnv: { '/cfg': settingsEnv } });
      await settle();
      h.live(failure(T0));
      await settle();
      assert.equal(h.statusAsked.length, 0, JSON.stringify(settingsEnv));
    }
  });
});

describe('WatchSession: Claude Code\'s environment', () => {
  it('a gateway in settings.json is what the health check targets', async () => {
    const h = harness({ settingsEnv: { '/cfg': { ANTHROPIC_BASE_URL: 'https://llm-gw.example.com' } } });
    const plan = await h.session.healthPlan();
    assert.equal(plan.kind, 'check');
    assert.equal(plan.kind === 'check' && plan.target.baseURL, 'https://llm-gw.example.com');
  });

  it('Bedrock in settings.json: the Anthropic check does not apply, and says where that was set', async () => {
    const h = harness({ settingsEnv: { '/cfg': { CLAUDE_CODE_USE_BEDROCK: '1' } } });
    const plan = await h.session.healthPlan();
    assert.equal(plan.kind, 'provider');
    assert.match(plan.kind === 'provider' ? plan.message : '', /Amazon Bedrock \(set in \/cfg\/settings\.json\), so the Anthropic API check does not apply/);
  });

  it('the health.baseUrl setting still checks what the user named', async () => {
    const h = harness({ settings: { healthBaseUrl: 'http://127.0.0.1:9' }, settingsEnv: { '/cfg': { CLAUDE_CODE_USE_VERTEX: '1' } } });
    const plan = await h.session.healthPlan();
    assert.equal(plan.kind, 'check');
    assert.match(plan.kind === 'check' ? (plan.note ?? '') : '', /Google Vertex AI/);
  });

  it('a failure is judged by its own config dir\'s settings', async () => {
    const h = harness({
      env: { CLAUDE_CONFIG_DIR: '/work-cfg' },
      settings: { configDir: '' },
      settingsEnv: { '/work-cfg': { ANTHROPIC_BASE_URL: 'https://gw.corp' }, '/home/dev/.config/claude': { CLAUDE_CODE_USE_VERTEX: '1' } },
    });
    await settle();
    const environments = h.session.environments;
    assert.equal(environments.forFile('/work-cfg/projects/p/s.jsonl').ANTHROPIC_BASE_URL, 'https://gw.corp');
    assert.equal(environments.forConfigDir().ANTHROPIC_BASE_URL, 'https://gw.corp', 'the first config dir by default');
  });
});

describe('WatchSession: state and listeners', () => {
  it('onDidChange returns a disposable; dispose stops timers and listeners', () => {
    const h = harness();
    let calls = 0;
    const subscription = h.session.onDidChange(() => calls++);
    h.live(failure(T0));
    assert.ok(calls > 0);
    subscription.dispose();
    const before = calls;
    h.live(failure(T0 + SEC, { sessionId: 's2' }));
    assert.equal(calls, before);
    h.session.dispose();
    h.time.advanceTo(T0 + 60 * MIN);
    assert.equal(h.session.state.snapshot.state, 'failing', 'no timer ran after dispose');
  });

  it('clear() returns to healthy and the view follows', () => {
    const h = harness();
    h.live(failure(T0));
    h.session.clear();
    assert.equal(h.session.state.snapshot.state, 'healthy');
    assert.equal(h.session.state.view.text, '$(pulse)');
  });
});

describe('WatchSession: back to work', () => {
  const limit = (at: number, fields: Partial<ApiFailureEvent> = {}) =>
    failure(at, { status: 429, failureClass: 'rate_limit', errorType: 'rate_limit', message: "You've hit your session limit", limitWindow: '5-hour', ...fields });
  const returns = (h: Harness) => h.notices.filter((n) => n.reason === 'limitReset' || n.reason === 'backToWork');

  it('a limit that resets in the future: nothing before the reset, one notice at it, and the status item clears', () => {
    const h = harness();
    h.live(limit(T0, { resetsAt: new Date(T0 + 10 * SEC).toISOString() }));
    assert.equal(h.session.state.snapshot.state, 'failing');
    h.time.advanceTo(T0 + 9 * SEC);
    assert.deepEqual(returns(h), []);
    h.time.advanceTo(T0 + 10 * SEC);
    const [notice] = returns(h);
    assert.equal(notice?.reason, 'limitReset');
    assert.equal(notice.reason === 'limitReset' && limitResetMessage(notice), 'Your 5-hour limit has reset');
    assert.equal(notice.failure.sessionId, 's1', 'the session to resume');
    assert.equal(h.session.state.snapshot.state, 'healthy');
    h.time.advanceTo(T0 + 60 * MIN);
    assert.equal(returns(h).length, 1, 'once');
  });

  it('a reset passed and Claude Code continued the session by itself (2.1.234+): no notice, the item simply clears', () => {
    const h = harness();
    h.live(limit(T0, { version: '2.1.240', resetsAt: new Date(T0 + 10 * SEC).toISOString() }));
    h.time.advanceTo(T0 + 10 * SEC);
    assert.equal(h.session.state.snapshot.state, 'healthy', 'cleared at the reset');
    assert.deepEqual(returns(h), [], 'Claude Code gets a moment to continue by itself');
    h.live(success(T0 + 25 * SEC));
    h.time.advanceTo(T0 + 5 * MIN);
    assert.deepEqual(returns(h), []);
    assert.equal(h.session.state.snapshot.state, 'healthy');
  });

  it('a reset passed without a success: told once Claude Code had its moment to continue', () => {
    const h = harness();
    h.live(limit(T0, { version: '2.1.240', resetsAt: new Date(T0 + 10 * SEC).toISOString() }));
    h.time.advanceTo(T0 + 10 * SEC + LIMIT_RESET_GRACE_MS - 1);
    assert.deepEqual(returns(h), []);
    h.time.advanceTo(T0 + 10 * SEC + LIMIT_RESET_GRACE_MS);
    assert.deepEqual(returns(h).map((n) => n.reason), ['limitReset']);
  });

  it('a reset read from the wording: the limit is current until then, and the notice names the window the wording names', () => {
    const h = harness();
    // T0 is 12:00 UTC.
    h.live(limit(T0, { limitWindow: null, wording: "You've hit your session limit · resets 12:05pm (UTC)" }));
    h.time.advanceTo(T0 + 4 * MIN);
    assert.equal(h.session.state.snapshot.state, 'failing');
    h.time.advanceTo(T0 + 5 * MIN);
    const [notice] = returns(h);
    assert.equal(notice?.reason === 'limitReset' && notice.resetAt, T0 + 5 * MIN);
    assert.equal(notice.reason === 'limitReset' && limitResetMessage(notice), 'Your 5-hour limit has reset');
  });

  it('a per-model credit cap has no reset and gets no notice', () => {
    const h = harness();
    h.live(limit(T0, { limitWindow: null, message: "You've reached your Opus limit", wording: "You've reached your Opus limit · /usage-credits or /model", resetsAt: new Date(T0 + MIN).toISOString() }));
    h.time.advanceTo(T0 + 24 * 60 * MIN);
    assert.deepEqual(returns(h), []);
  });

  it('an outage, then a success in another session: back to work, with the time lost and the session that gave up', async () => {
    // A quiet period longer than the outage: the sessions that gave up still show failing when the answer comes.
    const h = harness({ settings: { quietPeriodMs: 60 * MIN } });
    h.live(retry(T0, 1, { sessionId: 'a' }));
    h.live(failure(T0 + 30 * SEC, { sessionId: 'a', ...overloaded }));
    h.live(failure(T0 + 2 * MIN, { sessionId: 'b' }));
    assert.deepEqual(h.notices.map((n) => n.reason), ['retrying', 'failure']);
    h.live(success(T0 + 23 * MIN, 'c'));
    const [notice] = returns(h);
    assert.equal(notice?.reason, 'backToWork');
    if (notice?.reason !== 'backToWork') return;
    assert.equal(notice.lostMs, 23 * MIN);
    assert.deepEqual(notice.evidence, { kind: 'success', sessionId: 'c', cwd: '/home/dev/shop', sameSession: false });
    assert.equal(notice.failure.sessionId, 'b', 'the latest session that gave up');
    assert.equal(backToWorkMessage(notice), "Anthropic's API answers again (a request succeeded in another session): down for 23 min");
    assert.match(h.session.state.view.tooltipMarkdown, /Back to work:.*down for 23 min/);
    // The tooltip is on the user's clock, as the rest of it; the report (below) keeps UTC.
    const backLine = h.session.state.view.tooltipMarkdown.split('\n').find((line) => line.includes('Back to work:')) ?? '';
    assert.ok(backLine.includes(localTime(T0 + 23 * MIN, h.time.now)), backLine);
    assert.doesNotMatch(backLine, /UTC/);
    assert.match(h.session.backToWorkSummary() ?? '', /down for 23 min \(outage 12:00 UTC to 12:23 UTC, 23 min\)/);
    const report = await buildBugReport({
      events: h.session.currentOutage(),
      environment: collectEnvironment({ env: {}, platform: 'linux', osRelease: '6.1', arch: 'x64' }),
      backToWork: { summary: h.session.backToWorkSummary()! },
      now: new Date(h.time.now),
    });
    assert.match(report.markdown, /- Back to work: `Anthropic's API answers again \(a request succeeded in another session\): down for 23 min/);
    assert.equal(h.session.state.snapshot.state, 'recovered', 'the sessions that gave up no longer show failing');
    assert.equal(h.session.state.view.text, '$(check) Claude API recovered');
    h.live(success(T0 + 24 * MIN, 'd'));
    assert.equal(returns(h).length, 1, 'once');
    assert.equal(h.session.state.snapshot.state, 'healthy', 'after the all-clear minute');
    h.live(failure(T0 + 25 * MIN, { sessionId: 'e' }));
    assert.equal(h.session.state.snapshot.state, 'failing', 'a failure after the answer shows as usual');
  });

  it('a success in the session that gave up: the user went on by themselves, nothing to interrupt for', () => {
    const h = harness();
    h.live(failure(T0, { sessionId: 'a' }));
    h.live(success(T0 + 5 * MIN, 'a'));
    assert.deepEqual(returns(h), []);
    assert.equal(h.session.state.answeredAgain?.evidence.kind, 'success', 'the tooltip still says it');
  });

  it('a success during the outage is no evidence; retries that recover by themselves are not an outage to come back from', () => {
    const h = harness();
    h.live(failure(T0, { sessionId: 'a' }));
    h.live(success(T0 - 10 * SEC, 'c'));
    assert.deepEqual(returns(h), []);
    const r = harness();
    for (let attempt = 1; attempt <= 3; attempt++) r.live(retry(T0 + attempt * SEC, attempt));
    r.live(success(T0 + 10 * SEC));
    assert.deepEqual(r.notices.map((n) => n.reason), ['retrying']);
  });

  it("an outage, then the status page resolves the incident it listed: back to work, asked no more than before", async () => {
    const incident = { name: 'Elevated errors on Claude API', status: 'investigating', impact: 'major', url: 'https://stspg.io/x', updatedAt: null };
    const h = harness({
      status: (now) => ({
        kind: 'reported',
        indicator: now < T0 + 90 * SEC ? 'major' : 'none',
        description: '',
        components: [],
        incidents: now < T0 + 90 * SEC ? [incident] : [],
        fetchedAt: new Date(now).toISOString(),
      }),
    });
    await settle();
    h.live(failure(T0));
    await settle();
    assert.deepEqual(returns(h), []);
    h.time.advanceTo(T0 + 61 * SEC);
    await settle();
    assert.deepEqual(returns(h), [], 'still listed');
    h.time.advanceTo(T0 + 122 * SEC);
    await settle();
    const [notice] = returns(h);
    assert.equal(notice?.reason, 'backToWork');
    if (notice?.reason !== 'backToWork') return;
    assert.deepEqual(notice.evidence, { kind: 'incidentResolved', incident: incident.name, url: incident.url });
    assert.equal(notice.lostMs, 2 * MIN, "from the first failure to the answer that no longer listed it");
    assert.equal(h.statusAsked.length, 3, 'once a minute while failing, as before');
  });

  it('notifications off, or the back-to-work setting off: no such notice, the status item still clears', () => {
    for (const settings of [{ notify: 'off' as const }, { notifyBackToWork: false }]) {
      const h = harness({ settings });
      h.live(limit(T0, { resetsAt: new Date(T0 + 10 * SEC).toISOString() }));
      h.live(failure(T0 + SEC, { sessionId: 'a' }));
      h.live(success(T0 + 5 * MIN, 'c'));
      h.time.advanceTo(T0 + 60 * MIN);
      assert.deepEqual(returns(h), [], JSON.stringify(settings));
      assert.equal(h.session.state.snapshot.state, 'healthy');
    }
  });

  it('a monthly limit, far beyond what one timer can wait, and out of scope: the timer still waits at most a day, and nothing is told', () => {
    const h = harness({ settings: { scope: 'workspace' } });
    h.session.setWorkspaceFolders(['/home/dev/shop']);
    h.live(limit(T0, { limitWindow: 'monthly', resetsAt: new Date(T0 + 30 * 24 * 60 * MIN).toISOString() }));
    assert.ok(h.session.nextUpdateAt !== null && h.session.nextUpdateAt - T0 <= 24 * 60 * MIN);
    h.session.setWorkspaceFolders(['/home/dev/other']);
    h.time.advanceTo(T0 + 31 * 24 * 60 * MIN);
    assert.deepEqual(returns(h), [], 'its session left the scope');
  });

  it('a limit whose reset passed before the session started watching is old news', () => {
    const h = harness();
    h.session.record(limit(T0 - 6 * 60 * MIN, { resetsAt: new Date(T0 - MIN).toISOString() }));
    h.time.advanceTo(T0 + 60 * MIN);
    assert.deepEqual(returns(h), []);
  });
});
