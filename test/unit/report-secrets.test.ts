// No secret reaches a report (ARCHITECTURE.md §4): a corpus of fake secrets by kind × every place a failure
// can carry one, through the Markdown (the clipboard text), every string of the report object
// (`report --format json`) and the DECODED issue and search URLs. And benign text stays as it is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectEnvironment } from '../../src/core/report/environment';
import { buildIssueSearchUrl, buildIssueUrl } from '../../src/core/report/issueUrl';
import { buildBugReport, type BugReport, type BugReportInput } from '../../src/core/report/report';
import type { ApiFailureEvent } from '../../src/core/types';
import { failureEvent } from '../fixtures/report/cases';
import { SECRET_CORPUS, secretValue } from '../fixtures/report/secretCorpus';

const ENVIRONMENT = collectEnvironment({ env: { HOME: '/home/alice', USER: 'alice' }, platform: 'linux', osRelease: '6.8.0-45-generic', arch: 'x64' });
const NOW = new Date('2026-01-15T10:30:00.000Z');

function input(overrides: Partial<ApiFailureEvent> = {}, extra: Partial<BugReportInput> = {}): BugReportInput {
  return { events: [failureEvent(overrides)], environment: ENVIRONMENT, now: NOW, timeZone: 'UTC', ...extra };
}

const SHA = '3f2a9c1e4b5d6f7a8b9c0d1e2f3a4b5c6d7e8f90';
const HEX_REQUEST_ID = '7f3e2b1a9c8d4e5f6a7b8c9d0e1f2a3b';

/** Every place a failure (or the environment around it) can carry a secret. */
export const PLACEMENTS: ReadonlyArray<readonly [string, (secret: string) => BugReportInput]> = [
  ['message', (s) => input({ message: `500 ${s}` })],
  ['message after a label', (s) => input({ message: `Request rejected: ${s}` })],
  ['message after an earlier name=value', (s) => input({ message: `Gateway error route=/v1/messages retry=3 ${s}` })],
  ['message after an earlier name: value', (s) => input({ message: `upstream model: claude-opus-4-5 detail ${s}` })],
  ['message, glued after _', (s) => input({ message: `500 key_${s}` })],
  ['message, glued after a word', (s) => input({ message: `500 invalid${s}` })],
  ['message, URL-encoded', (s) => input({ message: `500 callback ${encodeURIComponent(s)}` })],
  ['cwd', (s) => input({ cwd: `/srv/build/${s}/app` })],
  ['request ID fields', (s) => input({ requestId: s, requestIds: [s] })],
  ['error type', (s) => input({ errorType: s })],
  ['network code', (s) => input({ status: null, errorType: null, networkCode: s, failureClass: 'network', message: `Unable to connect to API (${s})` })],
  ['model', (s) => input({ model: s })],
  // Identifiers the report keeps readable (a commit SHA, a gateway's hex request ID) just before the secret.
  ['message after a commit SHA and a hex request ID', (s) => input({ message: `502 commit ${SHA} x-request-id: ${HEX_REQUEST_ID} ${s}` })],
  ['gateway host', (s) => input({}, { environment: { ...ENVIRONMENT, apiPlatform: `Gateway (${s})`, platformOption: 'Other' } })],
  ['health check', (s) => input({}, { healthCheck: { summary: `a health check at 10:42 UTC got 401 (${s})` } })],
];

/** Every text a report hands out: Markdown, every string of the object, the decoded URLs. */
function outputs(report: BugReport): string[] {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(report);
  const issue = new URL(buildIssueUrl(report).url);
  const search = new URL(buildIssueSearchUrl(report));
  return [...strings, ...issue.searchParams.values(), ...search.searchParams.values(), decodeURIComponent(issue.search)];
}

function windows(text: string, size = 8): string[] {
  if (text.length <= size) return [text];
  const found: string[] = [];
  for (let i = 0; i + size <= text.length; i++) found.push(text.slice(i, i + size));
  return found;
}

/** Fragments of `secret` found in the report's outputs that the same report without it does not hold. */
async function leaksOf(secret: string, place: (secret: string) => BugReportInput, baseline: string): Promise<string[]> {
  const value = secretValue(secret);
  const texts = outputs(await buildBugReport(place(secret))).join('\n');
  const fragments = new Set([...windows(value), ...windows(encodeURIComponent(value))].filter((f) => !f.includes('\n')));
  return [...fragments].filter((fragment) => texts.includes(fragment) && !baseline.includes(fragment));
}

describe('redaction: secret corpus × placements', () => {
  it(`has at least 100 fake secrets of at least 60 kinds`, () => {
    assert.ok(SECRET_CORPUS.length >= 100, `${SECRET_CORPUS.length}`);
    assert.ok(new Set(SECRET_CORPUS.map((c) => c.kind.replace(/ \(.*\)$/, ''))).size >= 60);
  });

  for (const [placement, place] of PLACEMENTS) {
    it(`leaks nothing from the ${placement}`, async () => {
      const leaks: string[] = [];
      const baseline = outputs(await buildBugReport(place('nothing-here'))).join('\n');
      for (const { kind, secret } of SECRET_CORPUS) {
        const found = await leaksOf(secret, place, baseline);
        if (found.length) leaks.push(`${kind}: ${found.slice(0, 3).join(' | ')}`);
      }
      assert.deepEqual(leaks, [], `${leaks.length} of ${SECRET_CORPUS.length} secrets leaked from the ${placement}`);
    });
  }
});

describe('redaction: hex identifiers and hex secrets', () => {
  const hexSecrets = SECRET_CORPUS.filter(({ secret }) => /^[\da-f]{32,64}$/.test(secret));
  const legacyGithubToken = 'e72e16c7e42f292c6912e7710c838347ae178b4a'; // 40 hex, as GitHub's tokens were before 2021

  it('the corpus holds bare hex keys (the reason hex alone is not enough to keep a token)', () => {
    assert.ok(hexSecrets.length >= 4, hexSecrets.map((c) => c.kind).join(', '));
  });

  it('keeps a commit SHA, a hex request ID and a version build tail readable in the Markdown and the decoded URL', async () => {
    const message = `502 Bad gateway (x-request-id: ${HEX_REQUEST_ID}) on 2.1.120+${SHA.slice(0, 16)}, fixed in https://github.com/anthropics/claude-code/commit/${SHA}`;
    const report = await buildBugReport(input({ message }));
    const texts = [report.markdown, decodeURIComponent(new URL(buildIssueUrl(report).url).search)];
    for (const text of texts) {
      assert.ok(text.includes(`x-request-id: ${HEX_REQUEST_ID}`), text);
      assert.ok(text.includes(`/commit/${SHA}`), text);
      assert.ok(text.includes(`2.1.120+${SHA.slice(0, 16)}`), text);
    }
  });

  it('masks the same hex when nothing names it an identifier, or when it is named a key', async () => {
    const places = [
      (h: string) => `502 ${h}`,
      (h: string) => `502 built from ${h}`,
      (h: string) => `502 commit message: ${h}`,
      (h: string) => `502 api_key=${h}`,
      (h: string) => `502 token ${h}`,
      (h: string) => `502 key_${h}`,
      (h: string) => `502 commit${h}`,
    ];
    for (const hex of [legacyGithubToken, SHA, ...hexSecrets.map((c) => c.secret)]) {
      for (const place of places) {
        const report = await buildBugReport(input({ message: place(hex) }));
        assert.ok(!report.markdown.includes(hex.slice(0, 12)), `${place(hex)}:\n${report.markdown}`);
      }
      // In the request ID field itself there is no label: a hex value there is masked too.
      const report = await buildBugReport(input({ requestId: hex, requestIds: [hex] }));
      assert.ok(!report.markdown.includes(hex.slice(0, 12)), report.markdown);
    }
  });
});
