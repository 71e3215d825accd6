// Copy Bug Report on a history row: the row's failure (read back from the stored index) is accepted
// as the command's argument, its whole outage is reported, and the report names the incident.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { incidentLineForOutage, readIncidents } from '../../src/core/health/incidents';
import { buildHistory } from '../../src/core/history/history';
import { indexedEvents, indexFileFor, loadIndex, refreshIndex, saveIndex } from '../../src/core/history/index';
import { buildBugReport } from '../../src/core/report/report';
import { asFailureEvent } from '../../src/core/types';
import { REPORT_CASES } from '../fixtures/report/cases';
import { finalFailure, retryFlat, writeConfigDir } from '../fixtures/transcripts';
import { incidentsDocument } from '../support/statusPageStandIn';

const T = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;
const NOW = Date.parse('2026-11-21T00:00:00.000Z');
const INCIDENT = 'Elevated errors on the Claude API';

describe('Copy Bug Report on a history row', () => {
  let root: string;
  let configDir: string;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-history-report-'));
    const final500 = (minute: number, id: string) =>
      finalFailure('API Error: 500 Internal server error.', { sessionId: 'a', timestamp: T(minute) }, { error: 'server_error', apiErrorStatus: 500, requestId: id });
    configDir = await writeConfigDir(path.join(root, 'claude'), {
      '-p/a.jsonl': [
        retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_hist01' }, 1, { sessionId: 'a', timestamp: T(0) }),
        final500(2, 'req_hist02'),
        retryFlat({ status: 529, message: 'Overloaded', requestId: 'req_hist03' }, 1, { sessionId: 'a', timestamp: T(8) }),
        final500(12, 'req_hist04'),
      ],
    });
    const recent = new Date(NOW - 3_600_000);
    await fs.utimes(path.join(configDir, 'projects', '-p', 'a.jsonl'), recent, recent);
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it("passes the row's failure to the command, reports its whole outage and names the incident", async () => {
    // Build, store and reopen the index, as the panel does on its second opening.
    const storeFile = indexFileFor(path.join(root, 'storage'), [configDir]);
    const built = loadIndex(storeFile, [configDir]);
    await refreshIndex(built, { now: NOW });
    saveIndex(storeFile, built);
    const index = loadIndex(storeFile, [configDir]);
    await refreshIndex(index, { now: NOW });
    const incidents = readIncidents(incidentsDocument([{ name: INCIDENT, impact: 'major', startedAt: T(10), resolvedAt: '2026-11-20T11:00:00.000Z' }])) ?? [];
    const history = buildHistory(indexedEvents(index, null), { sinceMs: null, untilMs: NOW, bucket: 'day', timeZone: 'UTC', quietPeriodMs: 30 * 60_000, incidents });
    assert.equal(history.episodes.length, 1);
    const [episode] = history.episodes;
    assert.equal(episode.incident?.name, INCIDENT);

    // What the panel hands to executeCommand, after a structured clone (as a message would be).
    const chosen = asFailureEvent(structuredClone(episode.first));
    assert.ok(chosen, 'the row’s failure is accepted as the command’s argument');
    assert.equal(chosen.requestId, 'req_hist02');
    const line = incidentLineForOutage(episode.events, incidents, NOW);
    assert.equal(line, `${INCIDENT} (impact major, 2026-11-20T10:10:00Z – 2026-11-20T11:00:00Z) https://stspg.io/past0`);
    const report = await buildBugReport({ ...REPORT_CASES[0].input, events: episode.events, chosen, anthropicIncident: { summary: line }, now: new Date(NOW) });
    assert.match(report.markdown, new RegExp(`^- Anthropic incident: \`${INCIDENT} \\(impact major`, 'm'));
    assert.deepEqual([...report.requestIds].sort(), ['req_hist01', 'req_hist02', 'req_hist03', 'req_hist04']);
  });

  it('takes no other argument for a failure', () => {
    for (const value of [undefined, null, 'req_x', 42, { scheme: 'untitled', path: '/report.md' }, { failureClass: 'server', file: '/x' }]) {
      assert.equal(asFailureEvent(value), undefined, JSON.stringify(value));
    }
  });
});
