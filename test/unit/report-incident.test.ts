import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentLineForOutage, readIncidents } from '../../src/core/health/incidents';
import { buildBugReport } from '../../src/core/report/report';
import { incidentsDocument } from '../support/statusPageStandIn';
import { failureEvent, REPORT_CASES, retryEvent } from '../fixtures/report/cases';

const incidents =
  readIncidents(
    incidentsDocument([{ name: 'Elevated errors on Claude Sonnet', impact: 'major', startedAt: '2026-01-15T10:20:00.000Z', resolvedAt: '2026-01-15T11:00:00.000Z' }]),
  ) ?? [];
const NOW = Date.parse('2026-01-15T12:00:00.000Z');

describe("the bug report's Anthropic incident line", () => {
  it('names the incident the outage overlaps, with slack for a status page that reacts late', () => {
    const outage = [retryEvent(1, { timestamp: '2026-01-15T10:00:00.000Z' }), failureEvent({ line: 2, timestamp: '2026-01-15T10:08:00.000Z' })];
    assert.equal(
      incidentLineForOutage(outage, incidents, NOW),
      'Elevated errors on Claude Sonnet (impact major, 2026-01-15T10:20:00Z – 2026-01-15T11:00:00Z) https://stspg.io/past0',
    );
    assert.equal(incidentLineForOutage(outage, incidents, NOW, 5 * 60_000), "no incident on Anthropic's status page during this outage");
    assert.equal(incidentLineForOutage(outage, [], NOW), "no incident on Anthropic's status page during this outage");
  });

  it('says nothing for the user’s own trouble or events without a time', () => {
    assert.equal(incidentLineForOutage([failureEvent({ status: 429, failureClass: 'rate_limit', timestamp: '2026-01-15T10:30:00.000Z' })], incidents, NOW), null);
    assert.equal(incidentLineForOutage([failureEvent({ timestamp: null })], incidents, NOW), null);
  });

  it("appears in the report as one line of its own (quoted: it is the status page's text)", async () => {
    const input = REPORT_CASES[0].input;
    const withLine = await buildBugReport({ ...input, anthropicIncident: { summary: "no incident on Anthropic's status page during this outage" } });
    assert.match(withLine.markdown, /^- Anthropic incident: `no incident on Anthropic's status page during this outage`$/m);
    assert.match(withLine.fields.additional, /Anthropic incident: `no incident/);
    assert.doesNotMatch((await buildBugReport(input)).markdown, /Anthropic incident/);
  });
});
