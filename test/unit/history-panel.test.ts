import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildHistory } from '../../src/core/history/history';
import { toPanelData } from '../../src/core/history/panelData';
import { copySummaryMarkdown, summaryMarkdown } from '../../src/core/history/summary';
import { panelHtml } from '../../src/core/history/panelHtml';
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
    assert.equal(data.buckets.at(-1)?.tick, 'Jan 15');
    assert.equal(data.buckets.at(-1)?.title, 'Thu Jan 15');
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

describe('history panel buckets, words and verdicts', () => {
  const day = (iso: string) => Date.parse(iso);
  const zone = 'Asia/Kolkata'; // UTC+05:30: a local day is not a UTC day

  it('spans each bar over its whole local bucket, days and hours alike, across a daylight-saving change', () => {
    const events = [failureEvent({ line: 1, timestamp: '2026-03-29T00:30:00.000Z' })];
    const berlin = toPanelData(
      buildHistory(events, { sinceMs: day('2026-03-27T12:00:00Z'), untilMs: day('2026-03-30T12:00:00Z'), bucket: 'day', timeZone: 'Europe/Berlin', quietPeriodMs: 600_000 }),
      { range: '7d', scope: 'all', incidents: [] },
    );
    // 29 March 2026 in Berlin is 23 hours long: its bar too.
    const short = berlin.buckets.find((b) => b.tick === 'Mar 29')!;
    assert.equal(short.end - short.start, 23 * 3_600_000);
    assert.equal(new Date(short.start).toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(short.failures.server, 1);
    for (const [a, b] of berlin.buckets.slice(0, -1).map((bucket, i) => [bucket, berlin.buckets[i + 1]] as const)) assert.equal(a.end, b.start);
    assert.deepEqual([berlin.from, berlin.to], [berlin.buckets[0].start, berlin.buckets.at(-1)!.end]);

    const hours = toPanelData(
      buildHistory(events, { sinceMs: day('2026-03-28T12:00:00Z'), untilMs: day('2026-03-29T12:00:00Z'), bucket: 'hour', timeZone: zone, quietPeriodMs: 600_000 }),
      { range: '24h', scope: 'all', incidents: [] },
    );
    assert.deepEqual(hours.buckets.slice(0, 2).map((b) => b.tick), ['17:00', '18:00']); // 12:00 UTC is 17:30 in Kolkata
    assert.equal(hours.buckets[0].start, day('2026-03-28T11:30:00Z'));
    assert.equal(hours.buckets.find((b) => b.start === day('2026-03-28T18:30:00Z'))?.tick, 'Mar 29', 'a local midnight names its day');
    assert.equal(hours.buckets[1].title, 'Sat Mar 28 18:00–19:00');
  });

  it('says what happened in words, who it was, and offers a report only where one fits', () => {
    const at = (minute: number) => `2026-01-15T10:${String(minute).padStart(2, '0')}:00.000Z`;
    const events = [
      retryEvent(1, { line: 1, timestamp: at(0), status: 529, failureClass: 'overloaded', requestIds: ['req_r1'] }),
      retryEvent(2, { line: 2, timestamp: at(1), status: 529, failureClass: 'overloaded', requestIds: ['req_r2'] }),
      failureEvent({ line: 3, timestamp: at(2), requestIds: ['req_f1'] }),
      failureEvent({ line: 4, timestamp: at(3), requestIds: ['req_f2'], sessionId: 'other' }),
      failureEvent({ line: 5, timestamp: '2026-01-14T10:00:00.000Z', status: 429, failureClass: 'rate_limit' }),
      failureEvent({ line: 6, timestamp: '2026-01-14T10:01:00.000Z', status: 429, failureClass: 'rate_limit' }),
      failureEvent({ line: 7, timestamp: '2026-01-14T10:02:00.000Z', status: 429, failureClass: 'rate_limit' }),
      failureEvent({ line: 8, timestamp: '2026-01-13T10:00:00.000Z', status: null, failureClass: 'auth' }),
      failureEvent({ line: 9, timestamp: '2026-01-12T10:00:00.000Z', status: null, failureClass: 'network', networkCode: 'ECONNRESET' }),
    ];
    const incident = { name: 'Elevated errors on Opus', impact: 'minor', url: 'https://stspg.io/x', startAt: Date.parse(at(0)), endAt: Date.parse(at(30)) };
    const data = toPanelData(
      buildHistory(events, { sinceMs: NOW - 7 * 86_400_000, untilMs: NOW, bucket: 'day', timeZone: 'UTC', quietPeriodMs: 600_000, incidents: [incident] }),
      { range: '7d', scope: 'all', incidents: [incident] },
    );
    const [network, auth, limit, outage] = data.episodes;
    assert.deepEqual(outage.what, ['2 server errors (500)', '2 retries: overloaded (529)', 'in 2 sessions']);
    assert.equal(outage.when, 'Thu Jan 15 10:00');
    assert.deepEqual(outage.verdict, { who: 'anthropic', headline: 'Anthropic', detail: 'on the status page (minor)' });
    assert.equal(outage.incident?.name, 'Elevated errors on Opus');
    assert.deepEqual(data.incidents[0].episodes, [3]);
    assert.equal(data.incidents[0].when, 'Jan 15 10:00–10:30');
    assert.equal(outage.reportable, true);
    assert.equal(outage.requestIdCount, 4);
    assert.deepEqual(limit.what, ['3 rate limits (429)']);
    assert.deepEqual([limit.verdict.who, limit.reportable], ['you', false]);
    assert.deepEqual([auth.what, auth.verdict.detail, auth.reportable], [['1 login failure'], 'login or API key: run /login', false]);
    assert.deepEqual([network.what, network.verdict.headline, network.verdict.detail, network.reportable], [['1 connection failure (ECONNRESET)'], 'Your network', 'connection, proxy or DNS; not on the status page', true]);
    assert.equal(data.empty, null);
  });

  it('gives an empty range one sentence and the action that widens it', () => {
    const none = (range: '24h' | '7d' | '30d', scope: 'workspace' | 'all') =>
      toPanelData(buildHistory([], { sinceMs: NOW - 86_400_000, untilMs: NOW, bucket: 'hour', timeZone: 'UTC', quietPeriodMs: 600_000 }), { range, scope, incidents: [] }).empty;
    assert.deepEqual(none('7d', 'workspace'), { text: 'No Claude API failures or retries in this workspace in the last 7 days.', action: { kind: 'setScope', scope: 'all', label: 'Show All Sessions' } });
    assert.deepEqual(none('24h', 'all')?.action, { kind: 'setRange', range: '30d', label: 'Show 30 Days' });
    assert.deepEqual(none('30d', 'all')?.action, { kind: 'runDiagnostics', label: 'Run Diagnostics' });
  });
});

describe('Copy Summary', () => {
  it('puts the figures and the episodes in Markdown tables, the incident name quoted, secrets and home redacted', async () => {
    const incident = { name: 'Errors | on [Opus](https://evil.example) @team #12', impact: 'major', url: null, startAt: Date.parse('2026-01-15T09:40:00Z'), endAt: Date.parse('2026-01-15T10:40:00Z') };
    const withIncident = buildHistory(
      [
        retryEvent(1, { line: 1, timestamp: '2026-01-15T09:50:00.000Z', requestIds: ['req_a1'] }),
        failureEvent({ line: 2, timestamp: '2026-01-15T10:10:00.000Z', requestIds: ['req_a2'], networkCode: null }),
        failureEvent({ line: 3, timestamp: '2026-01-14T08:00:00.000Z', status: 401, failureClass: 'auth' }),
      ],
      { sinceMs: NOW - 7 * 86_400_000, untilMs: NOW, bucket: 'day', timeZone: 'Europe/Berlin', quietPeriodMs: 30 * 60_000, incidents: [incident] },
    );
    const data = toPanelData(withIncident, { range: '7d', scope: 'workspace', incidents: [incident] });
    // A secret and the home folder where a summary could carry them: the status line (from the editor).
    data.statusLine = 'Status read from /home/alice/.claude with sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const plain = summaryMarkdown(data);
    const copied = await copySummaryMarkdown(data, { homedir: '/home/alice', username: 'alice' });
    const lines = copied.split('\n');
    assert.equal(lines[0], '### Claude API failures: the last 7 days, this workspace');
    assert.ok(lines.includes('| Failures | Retries | Outages | Longest outage | Hours with failures | Most common | Claude Code versions |'));
    assert.ok(lines.includes('| 2 | 1 | 1 | 20 min on 2026-01-15 10:50 | 2 | server errors | 2.1.110 |'), copied);
    const outageRow = lines.find((line) => line.startsWith('| Thu Jan 15 10:50 |'))!;
    assert.ok(outageRow, copied);
    // Every row has as many cells as the header: the pipe in the incident's name is escaped.
    assert.equal(outageRow.split(/(?<!\\)\|/).length, 7, outageRow);
    assert.match(outageRow, /\*\*Anthropic\*\*: on the status page \(major\), `Errors \\\| on \[Opus\]\(https:\/\/evil\.example\) @team #12`/);
    assert.match(outageRow, /req_a1, req_a2 \|$/);
    assert.match(copied, /\| Wed Jan 14 09:00 \| 0 s \| 1 login failure \(401\) \| \*\*You\*\*: login or API key: run \/login \| — \|/);
    assert.doesNotMatch(copied, /sk-ant-api03-AbCd|\/home\/alice/);
    assert.match(plain, /sk-ant-api03-AbCd/, 'the redaction is what removed it');
  });
});

describe('history panel page', () => {
  it('opens on the range and scope it is given (the setting), with a nonce-only script policy', () => {
    const page = panelHtml({ cspSource: 'vscode-resource:', script: 'x/history.js', style: 'x/history.css', nonce: 'abc', range: '7d', scope: 'all' });
    assert.match(page, /<body data-range="7d" data-scope="all">/);
    assert.match(page, /data-scope="all" aria-pressed="true"/);
    assert.match(page, /data-scope="workspace" aria-pressed="false"/);
    assert.match(page, /script-src 'nonce-abc'/);
    assert.doesNotMatch(page, /unsafe-inline/);
  });
});

describe('history panel messages', () => {
  it('accepts only well-formed messages from the webview', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'setRange', range: '30d' }), { type: 'setRange', range: '30d' });
    assert.deepEqual(parseWebviewMessage({ type: 'copyReport', episode: 2, extra: 1 }), { type: 'copyReport', episode: 2 });
    assert.deepEqual(parseWebviewMessage({ type: 'copyText', text: 'req_011CVabc' }), { type: 'copyText', text: 'req_011CVabc' });
    assert.deepEqual(parseWebviewMessage({ type: 'copySummary' }), { type: 'copySummary' });
    assert.deepEqual(parseWebviewMessage({ type: 'openIncidentPage', incident: 0 }), { type: 'openIncidentPage', incident: 0 });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'openConfigDirSetting' }), { type: 'action', action: 'openConfigDirSetting' });
    for (const bad of [null, 'ready', { type: 'action', action: 'workbench.action.terminal.new' }, { type: 'openIncidentPage', incident: 'x' }, { type: 'setRange', range: '1y' }, { type: 'setScope', scope: 'none' }, { type: 'copyReport', episode: -1 }, { type: 'openTranscript', episode: 1.5 }, { type: 'copyText', text: 'sk-ant-secret' }, { type: 'drawn', failures: 'x' }, { type: 'eval', code: '1' }]) {
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
