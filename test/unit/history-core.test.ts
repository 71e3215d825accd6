import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  buildHistory,
  historyToJson,
  matchIncident,
  summarizeHistory,
  type HistoryIncident,
  type HistoryOptions,
} from '../../src/core/history/history';
import { bucketStarts, formatLocal, startOfDay, startOfHour } from '../../src/core/history/time';
import { failureEvent, retryEvent } from '../fixtures/report/cases';

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const isoList = (starts: number[]) => starts.map((ms) => new Date(ms).toISOString());

describe('history buckets in a time zone', () => {
  it('starts local days at local midnight, 23 and 25 hours long across DST changes (Berlin)', () => {
    const zone = 'Europe/Berlin';
    const spring = bucketStarts(utc('2026-03-28T12:00:00Z'), utc('2026-03-30T12:00:00Z'), 'day', zone);
    assert.deepEqual(isoList(spring), ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    assert.equal(spring[2] - spring[1], 23 * H);
    const autumn = bucketStarts(utc('2026-10-24T12:00:00Z'), utc('2026-10-26T12:00:00Z'), 'day', zone);
    assert.deepEqual(isoList(autumn), ['2026-10-23T22:00:00.000Z', '2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    assert.equal(autumn[2] - autumn[1], 25 * H);
  });

  it('counts 23 and 25 local hours on the days clocks change (New York)', () => {
    const zone = 'America/New_York';
    const day = startOfDay(utc('2026-03-08T15:00:00Z'), zone);
    const next = startOfDay(day + 26 * H, zone);
    assert.equal(bucketStarts(day, next - 1, 'hour', zone).length, 23);
    const fall = startOfDay(utc('2026-11-01T15:00:00Z'), zone);
    assert.equal(bucketStarts(fall, startOfDay(fall + 26 * H, zone) - 1, 'hour', zone).length, 25);
    assert.equal(formatLocal(fall, zone), '2026-11-01 00:00');
  });

  it('starts a day after the gap where midnight does not exist (Santiago)', () => {
    // Chile springs forward at 24:00 on 5 September 2026: 6 September starts at 01:00 local.
    const start = startOfDay(utc('2026-09-06T15:00:00Z'), 'America/Santiago');
    assert.equal(new Date(start).toISOString(), '2026-09-06T04:00:00.000Z');
    assert.equal(formatLocal(start, 'America/Santiago'), '2026-09-06 01:00');
  });

  it('starts hours at :30 UTC in zones half an hour off, and at whole hours in UTC', () => {
    assert.equal(new Date(startOfHour(utc('2026-01-15T10:10:00Z'), 'Asia/Kolkata')).toISOString(), '2026-01-15T09:30:00.000Z');
    assert.equal(new Date(startOfHour(utc('2026-01-15T10:10:05.123Z'), 'UTC')).toISOString(), '2026-01-15T10:00:00.000Z');
  });

  it('gives one bucket for an empty range and none for a reversed one', () => {
    const t = utc('2026-01-15T10:10:00Z');
    assert.equal(bucketStarts(t, t, 'hour', 'UTC').length, 1);
    assert.deepEqual(bucketStarts(t, t - 1, 'day', 'UTC'), []);
  });

  it("uses the zone given, not the machine's (TZ has no effect)", () => {
    const script = `const t=require(${JSON.stringify(require.resolve('../../src/core/history/time'))});process.stdout.write(String(t.startOfDay(Date.parse('2026-03-29T12:00:00Z'),'Europe/Berlin'))+' '+t.localTimeZone())`;
    const out = (tz: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' }).split(' ');
    const [berlinFromTokyo, tokyo] = out('Asia/Tokyo');
    const [berlinFromLa, la] = out('America/Los_Angeles');
    assert.equal(berlinFromTokyo, berlinFromLa);
    assert.equal(Number(berlinFromTokyo), utc('2026-03-28T23:00:00Z'));
    assert.deepEqual([tokyo, la], ['Asia/Tokyo', 'America/Los_Angeles']);
  });
});

const at = (iso: string) => `2026-01-15T${iso}:00.000Z`;

function options(overrides: Partial<HistoryOptions> = {}): HistoryOptions {
  return {
    sinceMs: utc('2026-01-15T08:00:00Z'),
    untilMs: utc('2026-01-15T12:30:00Z'),
    bucket: 'hour',
    timeZone: 'UTC',
    quietPeriodMs: 10 * 60_000,
    ...overrides,
  };
}

// An outage 09:50–10:12 spanning two hour buckets, in two sessions; a lone 429 at 11:00.
const events = [
  retryEvent(1, { line: 1, timestamp: at('09:50'), requestIds: ['req_r1'], requestId: 'req_r1', version: '2.1.110' }),
  failureEvent({ line: 2, timestamp: at('09:55'), requestIds: ['req_f1', 'req_r1'], requestId: 'req_f1', version: '2.1.110' }),
  failureEvent({ line: 3, timestamp: at('10:04'), status: 529, failureClass: 'overloaded', sessionId: 'other', version: '2.1.112' }),
  retryEvent(2, { line: 4, timestamp: at('10:12'), status: 503, requestIds: ['req_r2'], requestId: 'req_r2', version: '2.1.112' }),
  failureEvent({ line: 5, timestamp: at('11:00'), status: 429, failureClass: 'rate_limit' }),
  failureEvent({ line: 6, timestamp: at('07:00') }), // before the range
  failureEvent({ line: 7, timestamp: null }), // cannot be placed
];

const incident: HistoryIncident = {
  name: 'Elevated errors on Claude API',
  impact: 'major',
  url: 'https://stspg.io/x1',
  startAt: utc('2026-01-15T10:20:00Z'),
  endAt: utc('2026-01-15T11:30:00Z'),
};

describe('buildHistory', () => {
  it('counts final failures by class and retries per bucket, every bucket of the range included', () => {
    const history = buildHistory(events, options());
    assert.deepEqual(
      history.buckets.map((b) => [new Date(b.startAt).toISOString().slice(11, 16), b.failures, b.retries]),
      [
        ['08:00', {}, 0],
        ['09:00', { server: 1 }, 1],
        ['10:00', { overloaded: 1 }, 1],
        ['11:00', { rate_limit: 1 }, 0],
        ['12:00', {}, 0],
      ],
    );
    assert.deepEqual(history.totals, { failures: 3, retries: 2, episodes: 2, byClass: { server: 1, overloaded: 1, rate_limit: 1 } });
  });

  it('groups episodes with the one definition and describes them', () => {
    const [outage, limit] = buildHistory(events, options()).episodes;
    assert.equal(outage.family, 'anthropic');
    assert.deepEqual([outage.startAt, outage.endAt], [utc(at('09:50')), utc(at('10:12'))]);
    assert.deepEqual([outage.failures, outage.retries, outage.sessions], [2, 2, 2]);
    assert.deepEqual(outage.statuses, { '500': 2, '529': 1, '503': 1 });
    assert.deepEqual(outage.classes, { server: 3, overloaded: 1 });
    assert.deepEqual(outage.requestIds, ['req_r1', 'req_f1', 'req_r2']);
    assert.deepEqual(outage.versions, ['2.1.110', '2.1.112']);
    assert.equal(outage.first.line, 2);
    assert.equal(limit.family, 'rate_limit');
    // The quiet period decides: at 3 minutes the outage falls apart.
    assert.equal(buildHistory(events, options({ quietPeriodMs: 3 * 60_000 })).episodes.length, 5);
  });

  it('matches outages to incidents with slack, never rate limits', () => {
    const withSlack = buildHistory(events, options({ incidents: [incident], incidentSlackMs: 10 * 60_000 }));
    assert.equal(withSlack.episodes[0].incident, incident);
    assert.equal(withSlack.episodes[1].incident, null); // the 429 at 11:00 is the user's own
    const noSlack = buildHistory(events, options({ incidents: [incident], incidentSlackMs: 0 }));
    assert.equal(noSlack.episodes[0].incident, null);
    const summary = summarizeHistory(withSlack);
    assert.equal(summary.outages, 1);
    assert.equal(summary.outagesWithIncident, 1);
    assert.deepEqual(summary.longestOutage, { startAt: utc(at('09:50')), durationMs: 22 * 60_000 });
    assert.equal(summary.hoursWithFailures, 3);
    assert.equal(summary.mostCommonClass, 'server');
    assert.deepEqual(summary.versions, ['2.1.110', '2.1.112']);
  });

  it('is empty but whole for an empty range, and starts at the first event for "all"', () => {
    const empty = buildHistory([], options());
    assert.equal(empty.buckets.length, 5);
    assert.deepEqual(empty.totals, { failures: 0, retries: 0, episodes: 0, byClass: {} });
    assert.deepEqual(buildHistory([], options({ sinceMs: null })).buckets, []);
    const all = buildHistory(events, options({ sinceMs: null, bucket: 'day' }));
    assert.equal(all.buckets.length, 1);
    assert.equal(all.totals.failures, 4);
    assert.equal(summarizeHistory(empty).mostCommonClass, null);
  });

  it('puts a day bucket on local days', () => {
    // 23:30 UTC on the 14th is the 15th in Berlin.
    const late = failureEvent({ timestamp: '2026-01-14T23:30:00.000Z' });
    const history = buildHistory([late], options({ sinceMs: utc('2026-01-14T12:00:00Z'), bucket: 'day', timeZone: 'Europe/Berlin' }));
    assert.deepEqual(
      history.buckets.map((b) => [new Date(b.startAt).toISOString(), b.failures]),
      [
        ['2026-01-13T23:00:00.000Z', {}],
        ['2026-01-14T23:00:00.000Z', { server: 1 }],
      ],
    );
  });

  it('prints exactly the documented JSON fields', () => {
    const json = historyToJson(buildHistory(events, options({ incidents: [incident], incidentSlackMs: 10 * 60_000 })));
    assert.deepEqual(Object.keys(json), ['since', 'until', 'bucket', 'totals', 'buckets', 'episodes']);
    assert.deepEqual(Object.keys(json.totals), ['failures', 'retries', 'episodes', 'byClass']);
    assert.deepEqual(Object.keys(json.buckets[0]), ['start', 'failures', 'retries']);
    assert.deepEqual(Object.keys(json.episodes[0]), [
      'family', 'start', 'end', 'failures', 'retries', 'sessions', 'statuses', 'classes', 'requestIds', 'versions', 'incident',
    ]);
    assert.deepEqual(json.episodes[0].incident, {
      name: 'Elevated errors on Claude API',
      impact: 'major',
      url: 'https://stspg.io/x1',
      start: '2026-01-15T10:20:00.000Z',
      end: '2026-01-15T11:30:00.000Z',
    });
    assert.equal(json.since, '2026-01-15T08:00:00.000Z');
    assert.equal(json.episodes[0].start, '2026-01-15T09:50:00.000Z');
  });
});

describe('matchIncident', () => {
  const episode = { startAt: utc(at('10:00')), endAt: utc(at('10:30')) };
  it('prefers the longest overlap, then the worst impact; an unresolved incident lasts until now', () => {
    const short: HistoryIncident = { ...incident, name: 'short', startAt: utc(at('10:25')), endAt: utc(at('10:40')) };
    const long: HistoryIncident = { ...incident, name: 'long', startAt: utc(at('09:00')), endAt: utc(at('10:20')) };
    assert.equal(matchIncident(episode, [short, long], 0, utc(at('12:00')))?.name, 'long');
    const minor = { ...long, name: 'minor', impact: 'minor' };
    const critical = { ...long, name: 'critical', impact: 'critical' };
    assert.equal(matchIncident(episode, [minor, critical], 0, utc(at('12:00')))?.name, 'critical');
    const open: HistoryIncident = { ...incident, name: 'open', startAt: utc(at('10:29')), endAt: null };
    assert.equal(matchIncident(episode, [open], 0, utc(at('12:00')))?.name, 'open');
    assert.equal(matchIncident(episode, [], 0, 0), null);
  });
});
