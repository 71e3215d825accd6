import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  buildIssueSearchUrl,
  buildIssueUrl,
  DEFAULT_MAX_URL_LENGTH,
  TRIMMED_NOTE,
} from '../../src/core/report/issueUrl';
import { buildBugReport, ISSUE_FIELD_IDS, type BugReport, type IssueFields } from '../../src/core/report/report';
import { failureEvent, REPORT_CASES, retryEvent } from '../fixtures/report/cases';
import { prng } from '../fixtures/prng';
import { sanitizeText } from '../../src/core/text/sanitize';

const DROPDOWN_AND_CHECKBOX_IDS = ['preflight', 'model', 'regression', 'platform', 'os', 'terminal'];

function queryOf(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

function withFields(base: BugReport, fields: Partial<IssueFields>): BugReport {
  return { ...base, fields: { ...base.fields, ...fields } };
}


const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  '%&#+=?/\\"\'<>`~!$^*()[]{}|;:,.\n\t',
  '😀🔥🚀👩‍💻🏳️‍🌈🇯🇵',
  '漢字仮名交じり文错误服务器内部错误한국어',
  'éüßøåçñ—–…«»€',
];

function randomText(random: () => number, length: number): string {
  const alphabet = Array.from(ALPHABETS[Math.floor(random() * ALPHABETS.length)] + ALPHABETS[0]);
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

let SAMPLE: BugReport;
before(async () => {
  SAMPLE = await buildBugReport(REPORT_CASES.find((c) => c.name === 'v2.1-human-500-ids-from-retries')!.input);
});

describe('buildIssueUrl', () => {
  it('opens the bug form of anthropics/claude-code', async () => {
    const { url, trimmed } = buildIssueUrl(SAMPLE);
    assert.ok(url.startsWith('https://github.com/anthropics/claude-code/issues/new?template=bug_report.yml&'));
    assert.equal(trimmed, false);
  });

  it('decodes back, field by field, to the report’s fields', async () => {
    for (const { input } of REPORT_CASES) {
      const report = (await buildBugReport(input));
      const query = queryOf(buildIssueUrl(report).url);
      assert.equal(query.get('template'), 'bug_report.yml');
      for (const id of ISSUE_FIELD_IDS) {
        assert.equal(query.get(id) ?? '', report.fields[id], `field ${id}`);
      }
      assert.deepEqual([...query.keys()].filter((key) => key !== 'template').sort(), ISSUE_FIELD_IDS.filter((id) => report.fields[id]).sort());
    }
  });

  it('never puts a dropdown or checkbox id in the query', async () => {
    for (const { input } of REPORT_CASES) {
      const keys = [...queryOf(buildIssueUrl((await buildBugReport(input))).url).keys()];
      for (const id of DROPDOWN_AND_CHECKBOX_IDS) assert.ok(!keys.includes(id), `${id} in the URL`);
    }
  });

  it('encodes characters that mean something in a URL, and + survives as +', async () => {
    const report = withFields(SAMPLE, { additional: 'a+b=c&d#e %23 100% ?x' });
    assert.equal(queryOf(buildIssueUrl(report).url).get('additional'), 'a+b=c&d#e %23 100% ?x');
    assert.ok(!buildIssueUrl(report).url.includes('#'));
  });

  it('uses another repository when asked', async () => {
    assert.ok(buildIssueUrl(SAMPLE, { repository: 'me/fork' }).url.startsWith('https://github.com/me/fork/issues/new?'));
  });

  it('trims the details first, then the steps, then the log’s tail, then the description', async () => {
    const big = 'x'.repeat(3000);
    const report = withFields(SAMPLE, {
      additional: `details ${big}`,
      reproduction: `steps ${big}`,
      error_output: `log first line\n${big}`,
      actual: `actual ${'y'.repeat(500)}`,
    });
    const { url, trimmed } = buildIssueUrl(report);
    const query = queryOf(url);
    assert.ok(trimmed);
    assert.ok(url.length <= DEFAULT_MAX_URL_LENGTH);
    assert.ok(query.get('additional')!.endsWith(TRIMMED_NOTE));
    assert.equal(query.get('error_output'), report.fields.error_output, 'the log is kept while trimming details and steps is enough');
    assert.equal(query.get('actual'), report.fields.actual);
  });

  it('keeps the start of a trimmed log and says it was trimmed', async () => {
    const log = Array.from({ length: 400 }, (_, i) => `2026-01-15T10:00:${String(i % 60).padStart(2, '0')}Z  retry ${i}  API Error 500`).join('\n');
    const report = withFields(SAMPLE, { additional: 'd'.repeat(9000), reproduction: 'r'.repeat(9000), error_output: log });
    const { url } = buildIssueUrl(report);
    const kept = queryOf(url).get('error_output')!;
    assert.ok(url.length <= DEFAULT_MAX_URL_LENGTH);
    assert.ok(kept.startsWith(log.split('\n')[0]));
    assert.ok(kept.endsWith(`\n${TRIMMED_NOTE}`));
    // Cut at a line break: every kept log line is whole.
    const lines = kept.split('\n').slice(0, -1);
    for (const line of lines) assert.ok(log.split('\n').includes(line), `partial line: ${line}`);
  });

  it('measures the encoded length: non-ASCII text is trimmed to fit', async () => {
    const report = withFields(SAMPLE, { additional: '服务器错误😀'.repeat(2000) });
    const { url, trimmed } = buildIssueUrl(report);
    assert.ok(trimmed);
    assert.ok(url.length <= DEFAULT_MAX_URL_LENGTH, `${url.length}`);
    assert.ok(url.length > DEFAULT_MAX_URL_LENGTH - 200, 'uses the room it has');
  });

  it('replaces a lone surrogate instead of throwing', async () => {
    const report = withFields(SAMPLE, { additional: 'cut \uD83D here' });
    assert.equal(queryOf(buildIssueUrl(report).url).get('additional'), 'cut \uFFFD here');
  });

  it('stays under the limit whatever the input (seeded property test)', async () => {
    const random = prng(0x5eed);
    for (let trial = 0; trial < 300; trial++) {
      const maxLength = trial % 3 === 0 ? DEFAULT_MAX_URL_LENGTH : 600 + Math.floor(random() * 8000);
      const fields = Object.fromEntries(
        ISSUE_FIELD_IDS.map((id) => {
          const length = random() < 0.3 ? Math.floor(random() * 20000) : Math.floor(random() * 300);
          return [id, randomText(random, length)];
        }),
      ) as IssueFields;
      const report = withFields(SAMPLE, fields);
      const { url, trimmed } = buildIssueUrl(report, { maxLength });
      assert.ok(url.length <= maxLength, `trial ${trial}: ${url.length} > ${maxLength}`);
      // Decodable: every escape whole, every value valid UTF-8.
      const rawQuery = url.slice(url.indexOf('?') + 1);
      for (const pair of rawQuery.split('&')) assert.doesNotThrow(() => decodeURIComponent(pair.split('=')[1]), `trial ${trial}`);
      const query = queryOf(url);
      for (const id of ISSUE_FIELD_IDS) {
        const value = query.get(id);
        if (value === null) continue;
        // Controls, bidi controls and invisible characters never reach the URL.
        const original = sanitizeText(fields[id]);
        if (value === original) continue;
        assert.ok(trimmed, `trial ${trial}: ${id} changed but not reported as trimmed`);
        const body = value.endsWith(TRIMMED_NOTE) ? value.slice(0, -TRIMMED_NOTE.length).replace(/\n$/, '') : value;
        assert.ok(original.startsWith(body), `trial ${trial}: ${id} is not a start of the original`);
      }
      for (const id of DROPDOWN_AND_CHECKBOX_IDS) assert.ok(!query.has(id));
    }
  });

  it('stays under the limit for a report of a huge outage', async () => {
    const random = prng(42);
    const events = Array.from({ length: 400 }, (_, i) =>
      retryEvent((i % 10) + 1, {
        line: i,
        timestamp: new Date(Date.UTC(2026, 0, 15, 10, 0, i)).toISOString(),
        sessionId: `session-${i % 37}-${randomText(random, 6)}`,
        cwd: `/home/alice/src/${randomText(random, 12).replace(/[\\/\n]/g, '')}`,
        message: `500 ${randomText(random, 200)}`,
        requestId: `req_011CX${i}`,
        requestIds: [`req_011CX${i}`],
      }),
    ).concat(failureEvent({ line: 999, timestamp: '2026-01-15T10:07:00.000Z', message: `500 ${'错误'.repeat(120)}` }));
    const report = (await buildBugReport({ ...REPORT_CASES[0].input, events }));
    const { url, trimmed } = buildIssueUrl(report);
    assert.ok(trimmed);
    assert.ok(url.length <= DEFAULT_MAX_URL_LENGTH);
    assert.equal(queryOf(url).get('title'), report.fields.title);
  });

  it('refuses a repository name too long for any URL', async () => {
    assert.throws(() => buildIssueUrl(SAMPLE, { repository: `${'x'.repeat(39)}/${'y'.repeat(100)}`, maxLength: 80 }), RangeError);
  });
});

describe('buildIssueSearchUrl', () => {
  it('searches issues for the status and error type', async () => {
    const url = buildIssueSearchUrl(SAMPLE);
    assert.ok(url.startsWith('https://github.com/anthropics/claude-code/issues?q='));
    assert.equal(queryOf(url).get('q'), 'is:issue "API Error" 500 api_error');
  });

  it('searches by network code when there is no status', async () => {
    const report = (await buildBugReport({ ...REPORT_CASES[0].input, events: [failureEvent({ status: null, errorType: null, networkCode: 'ECONNRESET', failureClass: 'network', message: 'Unable to connect to API (ECONNRESET)' })] }));
    assert.equal(queryOf(buildIssueSearchUrl(report)).get('q'), 'is:issue "API Error" ECONNRESET');
  });
});
