import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  describeIncidentMatch,
  fetchAnthropicIncidents,
  IncidentSource,
  incidentsOf,
  incidentsUrlFor,
  readIncidents,
} from '../../src/core/health/incidents';
import { incidentsDocument, startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';

const PAST = [
  { name: 'Elevated errors on Claude Opus', impact: 'major' as const, startedAt: '2026-01-14T09:00:00.000Z', resolvedAt: '2026-01-14T10:15:00.000Z' },
  { name: 'API degraded', impact: 'minor' as const, startedAt: '2026-01-15T10:20:00.000Z', resolvedAt: null },
];

describe('incidentsUrlFor', () => {
  it('puts incidents.json beside summary.json', () => {
    assert.equal(incidentsUrlFor('https://status.claude.com/api/v2/summary.json'), 'https://status.claude.com/api/v2/incidents.json');
    assert.equal(incidentsUrlFor('http://127.0.0.1:9/x/summary.json?a=1'), 'http://127.0.0.1:9/x/incidents.json');
    assert.equal(incidentsUrlFor('http://127.0.0.1:9/status/'), 'http://127.0.0.1:9/status/incidents.json');
    assert.equal(incidentsUrlFor(''), 'https://status.claude.com/api/v2/incidents.json');
  });
});

describe('readIncidents', () => {
  it('reads name, impact, times, link and components, oldest first', () => {
    const incidents = readIncidents(incidentsDocument(PAST));
    assert.deepEqual(
      incidents?.map((i) => [i.name, i.impact, i.status, i.url, new Date(i.startAt).toISOString(), i.endAt && new Date(i.endAt).toISOString(), i.components]),
      [
        ['Elevated errors on Claude Opus', 'major', 'resolved', 'https://stspg.io/past0', '2026-01-14T09:00:00.000Z', '2026-01-14T10:15:00.000Z', ['Claude API (api.anthropic.com)']],
        ['API degraded', 'minor', 'investigating', 'https://stspg.io/past1', '2026-01-15T10:20:00.000Z', null, ['Claude API (api.anthropic.com)']],
      ],
    );
  });

  it('treats the JSON as untrusted: odd entries are dropped or made safe, other shapes are not incidents', () => {
    assert.equal(readIncidents(null), null);
    assert.equal(readIncidents([]), null);
    assert.equal(readIncidents({ incidents: 'many' }), null);
    const odd = readIncidents({
      incidents: [
        null,
        { name: 'no time' },
        { name: '', created_at: '2026-01-01T00:00:00Z' },
        { name: 'x'.repeat(5000), created_at: '2026-01-01T00:00:00Z', impact: 'apocalyptic', shortlink: 'javascript:alert(1)', resolved_at: '2025-01-01T00:00:00Z', components: [7, { name: 'API' }] },
      ],
    });
    assert.equal(odd?.length, 1);
    assert.equal(odd?.[0].name.length, 300);
    assert.equal(odd?.[0].impact, 'none');
    assert.equal(odd?.[0].url, null);
    assert.equal(odd?.[0].endAt, null); // resolved before it started: not believed
    assert.deepEqual(odd?.[0].components, ['API']);
  });
});

describe('describeIncidentMatch', () => {
  it('names the incident with impact, times and link, or says there was none', () => {
    const [incident] = readIncidents(incidentsDocument(PAST)) ?? [];
    assert.equal(
      describeIncidentMatch(incident),
      'Elevated errors on Claude Opus (impact major, 2026-01-14T09:00:00Z – 2026-01-14T10:15:00Z) https://stspg.io/past0',
    );
    assert.equal(describeIncidentMatch(null), "no incident on Anthropic's status page during this outage");
  });
});

describe('incident history from a status page on 127.0.0.1', () => {
  let page: StatusPageStandIn;
  before(async () => {
    page = await startStatusPageStandIn({ summary: statusSummary('none') }, { summary: incidentsDocument(PAST) });
  });
  after(() => page.close());

  it('fetches incidents.json beside the configured summary.json', async () => {
    const history = await fetchAnthropicIncidents(incidentsUrlFor(page.url));
    assert.equal(history.kind, 'reported');
    assert.deepEqual(incidentsOf(history).map((i) => i.name), ['Elevated errors on Claude Opus', 'API degraded']);
    assert.equal(page.requests.at(-1)?.url, '/api/v2/incidents.json');
  });

  it('says why when the page is down, not JSON or silent', async () => {
    page.incidentsAnswer = 'server_error';
    assert.deepEqual(await fetchAnthropicIncidents(page.incidentsUrl).then((h) => h.kind === 'unknown' && h.reason), 'status page answered 503');
    page.incidentsAnswer = 'not_json';
    assert.match(String(await fetchAnthropicIncidents(page.incidentsUrl).then((h) => h.kind === 'unknown' && h.reason)), /not JSON/);
    page.incidentsAnswer = 'hang';
    assert.match(String(await fetchAnthropicIncidents(page.incidentsUrl, { timeoutMs: 200 }).then((h) => h.kind === 'unknown' && h.reason)), /within 200 ms/);
    page.incidentsAnswer = { summary: { incidents: {} } };
    assert.match(String(await fetchAnthropicIncidents(page.incidentsUrl).then((h) => h.kind === 'unknown' && h.reason)), /unexpected format/);
    page.incidentsAnswer = { summary: incidentsDocument(PAST) };
  });

  it('asks at most every 5 minutes, keeps what it knew when a later ask fails, and never asks when disabled', async () => {
    let clock = Date.parse('2026-01-15T11:00:00Z');
    const asked = () => page.requests.filter((r) => r.url === '/api/v2/incidents.json').length;
    const before = asked();
    const source = new IncidentSource({ enabled: true, summaryUrl: page.url, now: () => clock });
    assert.equal(incidentsOf(await source.get()).length, 2);
    clock += 4 * 60_000;
    assert.equal(incidentsOf(await source.get()).length, 2);
    assert.equal(asked(), before + 1);
    page.incidentsAnswer = 'server_error';
    clock += 60_000;
    assert.equal(incidentsOf(await source.get()).length, 2);
    assert.equal(asked(), before + 2);
    page.incidentsAnswer = { summary: incidentsDocument(PAST) };

    const off = new IncidentSource({ enabled: false, summaryUrl: page.url });
    assert.equal(await off.get(), null);
    assert.equal(off.current(), null);
    assert.equal(asked(), before + 2);
  });
});
