// Every text path runs in linear time (ARCHITECTURE.md §4): megabyte-long blank runs, deep nesting and huge
// lines go through the record reader, the status view, the report builder and the redactor, and
// come out right. No timing is asserted: with inputs this size, quadratic work would not finish.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEnvironment } from '../../src/core/report/environment';
import { buildIssueUrl } from '../../src/core/report/issueUrl';
import { redact } from '../../src/core/report/redact';
import { buildBugReport } from '../../src/core/report/report';
import { parseTranscriptLine } from '../../src/core/records';
import { escapeMarkdown, renderStatus } from '../../src/core/statusView';
import { FailureTracker } from '../../src/core/tracker';
import type { FailureRecord } from '../../src/core/types';
import { failureEvent } from '../fixtures/report/cases';

const MB = 1 << 20;
const BLANKS = ' '.repeat(MB);
/** Hostile shapes, each about a megabyte. */
const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['a blank run', `API Error: 500${BLANKS}x`],
  ['blanks then a brace', `API Error: 500 Internal server error${BLANKS}{`],
  ['tabs and newlines', `API Error: 500 ${'\t \n'.repeat(MB / 3)}x`],
  ['deep nesting', `API Error: 500 ${'{"error":'.repeat(MB / 9)}`],
  ['open parentheses', `API Error: 500 ${'(E'.repeat(MB / 2)}`],
  ['one huge word', `API Error: 500 ${'a'.repeat(MB)}`],
  ['a huge token', `API Error: 500 ${'aB3-_'.repeat(MB / 5)}`],
  ['name=value pairs', `API Error: 500 ${'token= '.repeat(MB / 7)}`],
  ['quotes', `API Error: 500 ${'"a":"'.repeat(MB / 5)}`],
  ['percent escapes', `API Error: 500 ${'%4'.repeat(MB / 2)}`],
  ['at signs and dots', `API Error: 500 ${'a@b.'.repeat(MB / 4)}`],
  ['slashes', `API Error: 500 ${'/home/'.repeat(MB / 6)}`],
  ['backslashes', `API Error: 500 ${'\\\\Users'.repeat(MB / 7)}`],
  ['key headers', `API Error: 500 ${'-----BEGIN '.repeat(MB / 11)}`],
  ['bearer words', `API Error: 500 ${'Bearer '.repeat(MB / 7)}`],
  ['scheme prefixes', `API Error: 500 ${'https://a:'.repeat(MB / 10)}`],
  ['request ID prefixes', `API Error: 500 ${'req_'.repeat(MB / 4)}`],
  ['jwt prefixes', `API Error: 500 ${'_eyJ'.repeat(MB / 4)}`],
  ['backticks', `API Error: 500 ${'`'.repeat(MB)}`],
];

function failureLine(text: string): string {
  return JSON.stringify({
    type: 'assistant',
    isApiErrorMessage: true,
    uuid: 'u1',
    sessionId: 's1',
    timestamp: '2026-01-15T10:00:00.000Z',
    version: '2.1.110',
    cwd: '/home/alice/src/app',
    message: { model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text }] },
  });
}

const ENVIRONMENT = collectEnvironment({ env: { HOME: '/home/alice', USER: 'alice' }, platform: 'linux', osRelease: '6.8.0', arch: 'x64' });

describe('linear time on megabyte inputs', () => {
  for (const [name, text] of HOSTILE) {
    it(`${name}: the record reader, the status view, the report and the redactor finish, with the right answer`, async () => {
      const record = parseTranscriptLine(failureLine(text)) as FailureRecord | null;
      assert.equal(record?.kind, 'failure');
      assert.equal(record!.status, 500);
      // Whole (a report redacts it first and cuts after), but one line of the text.
      assert.ok(!record!.message.includes('\n') && record!.message.length <= text.length + 100, 'the message is one line');

      const event = failureEvent({ message: record!.message, status: 500, timestamp: '2026-01-15T10:00:00.000Z' });
      const tracker = new FailureTracker({ now: () => Date.parse('2026-01-15T10:00:01.000Z') });
      tracker.record(event);
      const view = renderStatus(tracker.snapshot(), { showWhenHealthy: true, now: Date.parse('2026-01-15T10:00:01.000Z') });
      assert.match(view.text, /500/);
      assert.ok(!escapeMarkdown(text).includes('\n'));

      // The whole hostile text as the message, the error type and the cwd of a report.
      const report = await buildBugReport({
        events: [failureEvent({ message: text, errorType: text.slice(0, 1000), cwd: `/home/alice/${text}` })],
        environment: ENVIRONMENT,
        healthCheck: { summary: text },
        now: new Date('2026-01-15T10:30:00.000Z'),
        timeZone: 'UTC',
      });
      assert.match(report.title, /^\[BUG\] API Error 500: /);
      assert.ok(report.markdown.includes('### Error Messages/Logs'));
      assert.ok(buildIssueUrl(report).url.length <= 7500);

      const redacted = redact(text, { homedir: '/home/alice', username: 'alice' });
      assert.ok(redacted.startsWith('API Error: 500'), redacted.slice(0, 80));
    });
  }

  it('the redactor cuts at 64 KB, between words, and still hides a secret before the cut', () => {
    const secret = `${'sk-'}${'ant-'}api03-${'Zx9vQ2mN8kL4'.repeat(8)}`;
    const text = `${secret} ${'word '.repeat(MB / 5)}`;
    const redacted = redact(text);
    assert.ok(!redacted.includes(secret.slice(12, 40)));
    assert.ok(redacted.length <= 64 * 1024 + 1);
    assert.ok(redacted.endsWith(' …') || redacted.endsWith('…'));
  });
});
