import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  AnthropicStatusMonitor,
  anthropicStatusApplies,
  describeAnthropicStatus,
  fetchAnthropicStatus,
  readSummary,
  type AnthropicStatus,
  type Schedule,
} from '../../src/core/health/statusPage';
import { closedPortUrl } from '../support/httpStandIn';
import { startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';

const SONNET_INCIDENT = { name: 'Elevated errors on Claude Sonnet 4.5', status: 'investigating', impact: 'minor' } as const;

describe('fetchAnthropicStatus against a local status page stand-in', () => {
  let page: StatusPageStandIn;
  before(async () => {
    page = await startStatusPageStandIn({ summary: statusSummary('none') });
  });
  after(() => page.close());

  it('none: no incident, relevant components only, with the injected time', async () => {
    page.answer = { summary: statusSummary('none') };
    const status = await fetchAnthropicStatus(page.url, { timeoutMs: 2000, now: () => Date.UTC(2026, 0, 15, 10, 42) });
    assert.equal(status.kind, 'reported');
    if (status.kind !== 'reported') return;
    assert.equal(status.indicator, 'none');
    assert.equal(status.description, 'All Systems Operational');
    assert.deepEqual(status.incidents, []);
    assert.deepEqual(
      status.components.map((component) => component.name),
      ['claude.ai', 'platform.claude.com', 'Claude API (api.anthropic.com)', 'Claude Code'],
    );
    assert.equal(status.fetchedAt, '2026-01-15T10:42:00.000Z');
    assert.equal(describeAnthropicStatus(status, true), 'Anthropic reports no incident');
    assert.equal(describeAnthropicStatus(status, false), 'Anthropic reports all systems operational');
  });

  it('minor with an incident: unresolved incidents only, affected components first', async () => {
    page.answer = {
      summary: statusSummary('minor', {
        apiStatus: 'partial_outage',
        incidents: [SONNET_INCIDENT, { name: 'Slow logins', status: 'resolved', impact: 'minor' }],
      }),
    };
    const status = await fetchAnthropicStatus(page.url, { timeoutMs: 2000 });
    assert.equal(status.kind, 'reported');
    if (status.kind !== 'reported') return;
    assert.equal(status.indicator, 'minor');
    assert.deepEqual(status.incidents, [
      {
        name: 'Elevated errors on Claude Sonnet 4.5',
        status: 'investigating',
        impact: 'minor',
        url: 'https://stspg.io/inc0',
        updatedAt: '2026-01-15T10:38:00.000Z',
      },
    ]);
    assert.deepEqual(status.components[0], { name: 'Claude API (api.anthropic.com)', status: 'partial_outage' });
    assert.equal(
      describeAnthropicStatus(status, true),
      'Anthropic reports: Elevated errors on Claude Sonnet 4.5 — investigating',
    );
  });

  it('major without an incident: names the affected component', async () => {
    page.answer = { summary: statusSummary('major', { apiStatus: 'major_outage' }) };
    const status = await fetchAnthropicStatus(page.url, { timeoutMs: 2000 });
    assert.equal(status.kind === 'reported' && status.indicator, 'major');
    assert.equal(describeAnthropicStatus(status, true), 'Anthropic reports: Claude API (api.anthropic.com) major outage');
  });

  it('maintenance with nothing else listed: the page description', async () => {
    page.answer = { summary: statusSummary('maintenance') };
    const status = await fetchAnthropicStatus(page.url, { timeoutMs: 2000 });
    assert.equal(describeAnthropicStatus(status, false), 'Anthropic reports: Service Under Maintenance');
  });

  it('a page that is not JSON, an error status, or no answer: unknown, never a throw', async () => {
    page.answer = 'not_json';
    assert.deepEqual(pick(await fetchAnthropicStatus(page.url, { timeoutMs: 2000 })), {
      kind: 'unknown',
      reason: 'status page sent something that is not JSON',
    });
    page.answer = 'server_error';
    assert.deepEqual(pick(await fetchAnthropicStatus(page.url, { timeoutMs: 2000 })), {
      kind: 'unknown',
      reason: 'status page answered 503',
    });
    page.answer = 'hang';
    assert.deepEqual(pick(await fetchAnthropicStatus(page.url, { timeoutMs: 100 })), {
      kind: 'unknown',
      reason: 'status page did not answer within 100 ms',
    });
    page.answer = { summary: { status: { indicator: 'sideways' } } };
    assert.deepEqual(pick(await fetchAnthropicStatus(page.url, { timeoutMs: 2000 })), {
      kind: 'unknown',
      reason: 'status page sent an unexpected format',
    });
  });

  it('a closed port: unknown, could not reach', async () => {
    const status = await fetchAnthropicStatus(`${await closedPortUrl()}/api/v2/summary.json`, { timeoutMs: 2000 });
    assert.deepEqual(pick(status), { kind: 'unknown', reason: 'could not reach status page: ECONNREFUSED' });
    assert.equal(describeAnthropicStatus(status, true), 'Anthropic status unknown (could not reach status page: ECONNREFUSED)');
  });
});

function pick(status: AnthropicStatus) {
  return status.kind === 'unknown' ? { kind: status.kind, reason: status.reason } : { kind: status.kind };
}

describe('readSummary is defensive', () => {
  it('skips malformed components and incidents, keeps what is readable', () => {
    const summary = readSummary({
      status: { indicator: 'critical' },
      components: [null, 42, { name: 'Claude API', status: 'degraded_performance' }, { name: 7, status: 'operational' }, { name: 'Claude Code' }],
      incidents: [{ status: 'investigating' }, 'x', { name: 'API errors', status: 'identified', impact: null, shortlink: 5 }],
    });
    assert.deepEqual(summary, {
      kind: 'reported',
      indicator: 'critical',
      description: 'critical',
      components: [{ name: 'Claude API', status: 'degraded_performance' }],
      incidents: [{ name: 'API errors', status: 'identified', impact: 'none', url: null, updatedAt: null }],
    });
  });

  it('rejects what is not a summary', () => {
    assert.equal(readSummary(null), null);
    assert.equal(readSummary([]), null);
    assert.equal(readSummary({ status: 'ok' }), null);
    assert.equal(readSummary({ status: { indicator: 3 } }), null);
  });

  it('counts further incidents in the one-line description', () => {
    const summary = readSummary({
      status: { indicator: 'major', description: 'Partial System Outage' },
      incidents: [
        { name: 'Elevated errors on Claude Opus', status: 'identified' },
        { name: 'Console slow', status: 'monitoring' },
      ],
    });
    assert.ok(summary);
    assert.equal(
      describeAnthropicStatus({ ...summary, fetchedAt: '2026-01-15T10:42:00.000Z' }, true),
      'Anthropic reports: Elevated errors on Claude Opus — identified (+1 more)',
    );
    assert.equal(describeAnthropicStatus(null, true), 'Anthropic status not checked');
  });
});

describe('anthropicStatusApplies', () => {
  it('only for the Anthropic API itself, and only when the setting is on', () => {
    assert.equal(anthropicStatusApplies({}, true), true);
    assert.equal(anthropicStatusApplies({}, false), false);
    assert.equal(anthropicStatusApplies({ CLAUDE_CODE_USE_BEDROCK: '1' }, true), false);
    assert.equal(anthropicStatusApplies({ CLAUDE_CODE_USE_VERTEX: '1' }, true), false);
    assert.equal(anthropicStatusApplies({ CLAUDE_CODE_USE_FOUNDRY: 'true' }, true), false);
    assert.equal(anthropicStatusApplies({ ANTHROPIC_BASE_URL: 'https://llm-gateway.corp.example' }, true), false);
    assert.equal(anthropicStatusApplies({ ANTHROPIC_BASE_URL: 'https://api.anthropic.com' }, true), true);
    assert.equal(anthropicStatusApplies({}, true, 'https://llm-gateway.corp.example'), false);
  });
});

/** A clock and timer queue the test moves by hand. */
function manualTime(start = Date.UTC(2026, 0, 15, 10, 0)) {
  let now = start;
  let timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (callback, delayMs) => {
    const timer = { at: now + delayMs, callback, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  return {
    now: () => now,
    schedule,
    pending: () => timers.filter((timer) => !timer.cancelled).length,
    /** Moves the clock, firing due timers in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((timer) => !timer.cancelled && timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        due.cancelled = true;
        due.callback();
      }
      timers = timers.filter((timer) => !timer.cancelled);
      now = end;
    },
  };
}

/** Counts the monitor's answers: every request it makes ends in one (a failed one too). */
function answers(monitor: AnthropicStatusMonitor): { count: number } {
  const answered = { count: 0 };
  monitor.onChange(() => answered.count++);
  return answered;
}

/** Lets the monitor's requests finish: until `count` answers in all have come. */
async function settled(answered: { count: number }, count: number): Promise<void> {
  for (let spin = 0; answered.count < count; spin += 1) {
    if (spin > 5000) throw new Error(`expected ${count} answers, saw ${answered.count}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The first answer of a monitor asked because failures are being seen. */
function firstAnswer(monitor: AnthropicStatusMonitor): Promise<AnthropicStatus | null> {
  const answer = new Promise<AnthropicStatus | null>((resolve) => monitor.onChange(resolve));
  monitor.setFailing(true);
  return answer;
}

describe('AnthropicStatusMonitor', () => {
  let page: StatusPageStandIn;
  before(async () => {
    page = await startStatusPageStandIn({ summary: statusSummary('minor', { incidents: [SONNET_INCIDENT] }) });
  });
  after(() => page.close());
  beforeEach(() => {
    page.requests.length = 0;
  });

  const monitorWith = (time: ReturnType<typeof manualTime>, enabled = true) =>
    new AnthropicStatusMonitor({ enabled, url: page.url, timeoutMs: 2000, now: time.now, schedule: time.schedule });

  it('never asks while healthy, however long it runs', async () => {
    const time = manualTime();
    const monitor = monitorWith(time);
    monitor.setFailing(false);
    for (let hour = 0; hour < 24; hour += 1) time.advance(60 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.requests.length, 0);
    assert.equal(time.pending(), 0);
    assert.equal(monitor.current(), null);
    monitor.dispose();
  });

  it('asks when failures start, then at most once a minute while they last, and stops after', async () => {
    const time = manualTime();
    const monitor = monitorWith(time);
    const seen: (AnthropicStatus | null)[] = [];
    monitor.onChange((status) => seen.push(status));
    const answered = answers(monitor);

    monitor.setFailing(true);
    await settled(answered, 1);
    assert.equal(page.requests.length, 1);
    assert.equal(describeAnthropicStatus(monitor.current(), true), 'Anthropic reports: Elevated errors on Claude Sonnet 4.5 — investigating');
    assert.equal(seen.length, 1);

    // More failures within the minute: no new request.
    time.advance(20_000);
    monitor.setFailing(true);
    time.advance(20_000);
    monitor.setFailing(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.requests.length, 1);

    // The minute is up while failures go on: asked again, once.
    time.advance(20_000);
    await settled(answered, 2);
    assert.equal(page.requests.length, 2);

    // Healthy again: the next poll is cancelled, nothing more is asked.
    monitor.setFailing(false);
    assert.equal(time.pending(), 0);
    time.advance(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.requests.length, 2);
    monitor.dispose();
  });

  it('never asks while disabled, and forgets the last answer when disabled', async () => {
    const time = manualTime();
    const monitor = monitorWith(time, false);
    const answered = answers(monitor);
    monitor.setFailing(true);
    time.advance(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.requests.length, 0);
    assert.equal(monitor.current(), null);

    monitor.setEnabled(true);
    await settled(answered, 1);
    assert.equal(page.requests.length, 1, 'enabled while failing: asks');

    const changes: (AnthropicStatus | null)[] = [];
    monitor.onChange((status) => changes.push(status));
    monitor.setEnabled(false);
    assert.deepEqual(changes, [null]);
    assert.equal(monitor.current(), null);
    time.advance(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(page.requests.length, 1);
    monitor.dispose();
  });

  it('a fetcher that throws still yields an unknown status', async () => {
    const time = manualTime();
    const monitor = new AnthropicStatusMonitor({
      enabled: true,
      now: time.now,
      schedule: time.schedule,
      fetchStatus: () => Promise.reject(new Error('boom')),
    });
    const status = await firstAnswer(monitor);
    assert.deepEqual(status && pick(status), { kind: 'unknown', reason: 'status check failed: boom' });
    monitor.dispose();
  });

  it('a status page that fails gives an unknown status to listeners', async () => {
    const time = manualTime();
    const monitor = new AnthropicStatusMonitor({
      enabled: true,
      url: `${await closedPortUrl()}/api/v2/summary.json`,
      timeoutMs: 2000,
      now: time.now,
      schedule: time.schedule,
    });
    const status = await firstAnswer(monitor);
    assert.equal(status?.kind, 'unknown');
    assert.equal(describeAnthropicStatus(status, true), 'Anthropic status unknown (could not reach status page: ECONNREFUSED)');
    monitor.dispose();
  });
});
