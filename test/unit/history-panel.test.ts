import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHistory } from '../../src/core/history/history';
import { toPanelData } from '../../src/core/history/panelData';
import { parseHostMessage, parseWebviewMessage } from '../../src/core/history/panelProtocol';
import { failureEvent, retryEvent } from '../fixtures/report/cases';

const NOW = Date.parse('2026-01-15T12:00:00.000Z');
const history = buildHistory(
  [
    retryEvent(1, { line: 1, timestamp: '2026-01-15T09:50:00.000Z', requestIds: ['req_a1'] }),
    failureEvent({ line: 2, timestamp: '2026-01-15T10:10:00.000Z', requestIds: ['req_a2'] }),
    failureEvent({ line: 3, timestamp: '2026-01-14T08:00:00.000Z', status: 401, failureClass: 'auth' }),
  ],
  {
    sinceMs: NOW - 7 * 86_400_000,
    untilMs: NOW,
    bucket: 'day',
    timeZone: 'Europe/Berlin',
    quietPeriodMs: 30 * 60_000,
    incidents: [{ name: 'Elevated errors', impact: 'major', url: 'https://stspg.io/1', startAt: Date.parse('2026-01-15T10:00:00Z'), endAt: null }],
  },
);

describe('history panel data', () => {
  it('gives the webview local and UTC times, durations, the incident and the status line', () => {
    const data = toPanelData(history, { range: '7d', scope: 'all', incidents: [{ name: 'Elevated errors', impact: 'major', url: 'https://stspg.io/1', startAt: Date.parse('2026-01-15T10:00:00Z'), endAt: null }] });
    assert.equal(data.buckets.length, 8);
    assert.equal(data.buckets.at(-1)?.label, '01-15');
    const [auth, outage] = data.episodes;
    assert.deepEqual([auth.family, auth.incidentChecked, auth.incident], ['auth', false, null]);
    assert.deepEqual([outage.startLocal, outage.startUtc, outage.duration, outage.incident?.name], ['2026-01-15 10:50', '2026-01-15 09:50', '20 min', 'Elevated errors']);
    assert.equal(data.statusLine, "Anthropic's status page reported an incident during 1 of 1 outage.");
    assert.equal(data.summary.longestOutageText, '20 min on 2026-01-15 10:50');
    assert.equal(data.incidents.length, 1);
    const notAsked = toPanelData(history, { range: '7d', scope: 'all', incidents: null, statusNote: 'not asked: Bedrock' });
    assert.equal(notAsked.statusLine, 'not asked: Bedrock');
    assert.equal(notAsked.episodes[1].incidentChecked, false);
  });
});

describe('history panel messages', () => {
  it('accepts only well-formed messages from the webview', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'setRange', range: '30d' }), { type: 'setRange', range: '30d' });
    assert.deepEqual(parseWebviewMessage({ type: 'copyReport', episode: 2, extra: 1 }), { type: 'copyReport', episode: 2 });
    assert.deepEqual(parseWebviewMessage({ type: 'copyText', text: 'req_011CVabc' }), { type: 'copyText', text: 'req_011CVabc' });
    for (const bad of [null, 'ready', { type: 'setRange', range: '1y' }, { type: 'setScope', scope: 'none' }, { type: 'copyReport', episode: -1 }, { type: 'openTranscript', episode: 1.5 }, { type: 'copyText', text: 'sk-ant-secret' }, { type: 'drawn', failures: 'x' }, { type: 'eval', code: '1' }]) {
      assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
    }
  });

  it('accepts only history, progress and error messages in the webview', () => {
    const data = toPanelData(history, { range: '7d', scope: 'workspace', incidents: [] });
    assert.equal(parseHostMessage({ type: 'history', data })?.type, 'history');
    assert.deepEqual(parseHostMessage({ type: 'progress', text: 'Reading' }), { type: 'progress', text: 'Reading' });
    assert.equal(parseHostMessage({ type: 'history', data: { ...data, buckets: 'x' } }), null);
    assert.equal(parseHostMessage({ type: 'other' }), null);
  });
});
