// Transcript text cannot become Markdown in the issue (ARCHITECTURE.md §4): hostile error texts go through
// the report, and the Markdown (as a CommonMark parser with GFM autolinks reads it) holds no link,
// image or HTML of theirs, no list, heading or quote they started, and every @mention or
// #reference they carry sits inside code. The URL fields are checked the same way, and the log
// field (rendered by GitHub as shell code) cannot close its fence. Benign text survives unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import MarkdownIt from 'markdown-it';
import { collectEnvironment } from '../../src/core/report/environment';
import { buildIssueUrl } from '../../src/core/report/issueUrl';
import { redact } from '../../src/core/report/redact';
import { buildBugReport, type BugReport, type IssueFieldId } from '../../src/core/report/report';
import type { ApiFailureEvent } from '../../src/core/types';
import { failureEvent } from '../fixtures/report/cases';

const ENVIRONMENT = collectEnvironment({ env: { HOME: '/home/alice', USER: 'alice' }, platform: 'linux', osRelease: '6.8.0-45-generic', arch: 'x64' });
const markdown = new MarkdownIt({ html: true, linkify: true });
// GitHub autolinks only `www.` and scheme links, not a bare `status.claude.com` of our own text.
markdown.linkify.set({ fuzzyLink: false });

const HOSTILE = [
  'see [the docs](https://evil.example/phish) now',
  'run [this](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '![pixel](https://evil.example/track.png)',
  '<img src=x onerror=alert(1)> and <details open><summary>x</summary></details>',
  'visit https://evil.example/a or www.evil.example',
  'ping @octocat and @anthropics/security-team',
  'duplicate of #123 and anthropics/claude-code#1 and GH-5',
  '- a list item',
  '1. an ordered item',
  '> a quote',
  '# a heading',
  '```\n# fenced heading\n```',
  'line one\n\n## injected section\n- [x] done',
  'back`ticks`` and ``` fences',
  '**bold** _em_ ~~strike~~ | table | row |',
  '&lt;script&gt; &#x3C;b&#x3E;',
  '[ref]: https://evil.example/ref and [ref]',
  'mail me at <evil@example.com>',
];

function hostileReport(text: string): Promise<BugReport> {
  const event: Partial<ApiFailureEvent> = { message: `500 ${text}`, errorType: text, networkCode: null, model: text, cwd: `/srv/${text}` };
  return buildBugReport({
    events: [failureEvent(event)],
    environment: ENVIRONMENT,
    healthCheck: { summary: text },
    anthropicStatus: { summary: text },
    now: new Date('2026-01-15T10:30:00.000Z'),
    timeZone: 'UTC',
  });
}

interface Rendered {
  links: string[];
  images: number;
  html: string[];
  /** Text outside code: where GitHub would find @mentions and #references. */
  prose: string;
  blocks: string[];
}

function render(source: string): Rendered {
  const result: Rendered = { links: [], images: 0, html: [], prose: '', blocks: [] };
  const walk = (tokens: ReturnType<typeof markdown.parse>): void => {
    for (const token of tokens) {
      if (token.type === 'link_open') result.links.push(token.attrGet('href') ?? '');
      if (token.type === 'image') result.images++;
      if (token.type === 'html_inline' || token.type === 'html_block') result.html.push(token.content);
      if (token.type === 'text') result.prose += `${token.content}\n`;
      if (token.nesting === 1 && token.level === 0) result.blocks.push(token.type);
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(source, {}));
  return result;
}

function assertInert(source: string, where: string): void {
  const rendered = render(source);
  assert.deepEqual(rendered.links, [], `${where}: links`);
  assert.equal(rendered.images, 0, `${where}: images`);
  assert.deepEqual(rendered.html, [], `${where}: HTML`);
  assert.doesNotMatch(rendered.prose, /(?:^|[^\w`])@[A-Za-z\d]/, `${where}: an @mention outside code`);
  assert.doesNotMatch(rendered.prose, /#\d|GH-\d/, `${where}: a #reference outside code`);
  assert.doesNotMatch(rendered.prose, /evil/, `${where}: hostile text outside code`);
}

describe('transcript text cannot become Markdown', () => {
  for (const text of HOSTILE) {
    it(`stays inert: ${JSON.stringify(text).slice(0, 60)}`, async () => {
      const report = await hostileReport(text);
      assertInert(report.markdown, 'Markdown');
      // Our own skeleton is all the structure there is.
      const skeleton = render((await hostileReport('plain words')).markdown).blocks;
      assert.deepEqual(render(report.markdown).blocks, skeleton);

      const fields = new URL(buildIssueUrl(report).url).searchParams;
      for (const id of ['title', 'actual', 'reproduction', 'working_version', 'version', 'additional'] as IssueFieldId[]) {
        assertInert(fields.get(id) ?? '', `URL field ${id}`);
      }
      // GitHub wraps error_output in a shell fence: no line of it may close that fence.
      const log = fields.get('error_output') ?? '';
      assert.ok(!log.split('\n').some((line) => /^\s{0,3}(?:`{3,}|~{3,})/.test(line)), log);
    });
  }
});

describe('benign text survives', () => {
  const benign = readFileSync(path.join(__dirname, '..', 'fixtures', 'report', 'benign.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const extra = [
    'OAuth token: expired',
    'authorization: required',
    'OAuth token has expired · Please run /login',
    'Unable to connect to API (ConnectionRefused)',
    'API Error: 503 upstream connect error or disconnect/reset before headers. reset reason: overflow',
    'FailedToOpenSocket InternalServerErrorException ERR_TLS_CERT_ALTNAME_INVALID UND_ERR_CONNECT_TIMEOUT',
    'req_bdrk_011CXo0v3rL0ad3d000003 msg_01XFDUDYJgAACzvnptvVoYEL toolu_01A09q90qw90lq917835lq9',
    'session 4f1c2d3e-0a1b-4c5d-8e9f-a0b1c2d3e4f5 at 2026-01-15T10:00:00.000Z 1767225600',
    'us-east-1 europe-west4 llm-gateway.internal.example.com:8443 ec2-54-123-45-67.compute-1.amazonaws.com',
  ];
  for (const line of [...benign, ...extra]) {
    it(`unchanged by the redactor: ${line.slice(0, 60)}`, () => {
      assert.equal(redact(line, { homedir: '/home/alice', username: 'alice' }), line);
    });
  }

  it('and as the message of a report, quoted but whole', async () => {
    for (const line of extra) {
      const report = await buildBugReport({ events: [failureEvent({ message: `500 ${line}` })], environment: ENVIRONMENT, now: new Date('2026-01-15T10:30:00.000Z'), timeZone: 'UTC' });
      assert.ok(report.markdown.includes(line), line);
    }
  });
});
