// The report's section of `npm run bench`: a bug report (Markdown, the issue URL and JSON) built for
// a failure whose error text is 64 KB, the most the record layer reads of one (a gateway's HTML
// page, a raw body, a log pasted into an error): the whole text is the wording, its first line the
// message, and each is redacted whole before any cut. The first build also loads the rule set for
// known token shapes; the target is for the builds after it.
import { buildIssueSearchUrl, buildIssueUrl } from '../../src/core/report/issueUrl';
import { collectEnvironment } from '../../src/core/report/environment';
import { buildBugReport, type BugReportInput } from '../../src/core/report/report';
import type { ApiFailureEvent } from '../../src/core/types';
import { prng } from '../fixtures/prng';
import { median, type BenchSection } from './table';

const TEXT_BYTES = 64 * 1024;
const RUNS = 7;
const TARGET_MS = 200;

/** 64 KB of what an error text holds: words, JSON, IDs, hex, paths, URLs, base64, a few secrets. */
export function errorText(seed = 0x64b): string {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const alnum = (length: number): string => Array.from({ length }, () => pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'])).join('');
  const hex = (length: number): string => Array.from({ length }, () => pick([...'0123456789abcdef'])).join('');
  const pieces = [
    () => 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    () => `{"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"req_011C${alnum(20)}"}`,
    () => `<html><head><title>502 Bad Gateway</title></head><body><center>cloudflare</center> Ray ID: ${hex(16)}</body></html>`,
    () => `x-request-id: ${hex(32)}; trace_id=${hex(32)}`,
    () => `at /home/alice/src/app/node_modules/undici/lib/core/connect.js:${Math.floor(random() * 900)}:17`,
    () => `see https://docs.claude.com/en/api/errors#${alnum(6)} and https://status.claude.com`,
    () => `data: ${alnum(60)}==`,
    () => `Authorization: Bearer ${alnum(40)}`,
    () => `api_key=${alnum(32)} password: ${alnum(12)}`,
    () => `session 4f1c2d3e-0a1b-4c5d-8e9f-${hex(12)} model claude-opus-4-5-20251101 version 2.1.131`,
    () => 'The request timed out while waiting for the upstream; retrying with exponential backoff.',
  ];
  let text = 'API Error: 502 ';
  // One line: the worst case, where the message (the text's first line) is the whole text too.
  while (text.length < TEXT_BYTES) text += `${pick(pieces)()} `;
  return text.slice(0, TEXT_BYTES);
}

function reportInput(text: string): BugReportInput {
  const event: ApiFailureEvent = {
    kind: 'failure',
    file: '/home/alice/.claude/projects/-home-alice-src-app/4f1c2d3e-0a1b-4c5d-8e9f-a0b1c2d3e4f5.jsonl',
    line: 1,
    uuid: null,
    sessionId: '4f1c2d3e-0a1b-4c5d-8e9f-a0b1c2d3e4f5',
    timestamp: '2026-01-15T10:00:00.000Z',
    version: '2.1.131',
    cwd: '/home/alice/src/app',
    entrypoint: 'cli',
    isSidechain: false,
    model: 'claude-opus-4-5-20251101',
    requestId: 'req_011CBench000000001',
    requestIds: ['req_011CBench000000001'],
    attempt: null,
    maxRetries: null,
    retryInMs: null,
    lastSuccessVersion: null,
    status: 502,
    failureClass: 'server',
    errorType: 'api_error',
    networkCode: null,
    // As the record layer hands them over: the first line, and the whole text on one line.
    message: text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')),
    wording: text.replace(/\s+/g, ' '),
  };
  const environment = collectEnvironment({ env: { HOME: '/home/alice', USER: 'alice' }, platform: 'linux', osRelease: '6.8.0-45-generic', arch: 'x64' });
  return { events: [event], environment, now: new Date('2026-01-15T10:30:00.000Z'), timeZone: 'UTC' };
}

async function buildAll(input: BugReportInput): Promise<number> {
  const started = performance.now();
  const report = await buildBugReport(input);
  buildIssueUrl(report);
  buildIssueSearchUrl(report);
  JSON.stringify(report);
  return performance.now() - started;
}

export const reportSection: BenchSection = {
  name: 'bug report',
  run: async (bench) => {
    const inputs = Array.from({ length: RUNS + 1 }, (_, i) => reportInput(errorText(0x64b + i)));
    const first = await buildAll(inputs[0]);
    bench.row('first report, 64 KB error text (loads the rule set)', `${first.toFixed(0)} ms`);
    const times: number[] = [];
    for (const input of inputs.slice(1)) times.push(await buildAll(input));
    const typical = median(times);
    bench.row(`report of a 64 KB error text (Markdown, URL, JSON; median of ${RUNS})`, `${typical.toFixed(0)} ms`, `< ${TARGET_MS} ms`, typical < TARGET_MS);
  },
};
