// The failure history panel in a real VS Code (code-server + Chromium, the packaged .vsix): a planted
// week of transcripts and a status-page stand-in on 127.0.0.1 with one incident. The chart must draw
// the planted counts, the table must list the planted episodes with the matched incident, a new
// failure must show up live, and Copy Bug Report on a row must name the incident. The screenshot is
// the README's.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { projectFolderName } from '../../scripts/demo-outage';
import { finalFailure, retryFlat, type Envelope } from '../fixtures/transcripts';
import { incidentsDocument, startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';
import { makeTempDir, openWorkbench, repoRoot, startCodeServer, until as untilIn, updateMachineSettings, type CodeServerSession, type Workbench } from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const INCIDENT = 'Elevated errors on the Claude API';
const WAIT_MS = 30_000;
const HOUR = 3_600_000;
const log = (...args: unknown[]) => console.log('history.e2e:', ...args);

/** `until` with this file's patience. */
const until = <T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = WAIT_MS) => untilIn(what, read, accept, timeoutMs);

describe('the failure history panel in code-server', { timeout: 240_000 }, () => {
  let session: CodeServerSession | undefined;
  let statusPage: StatusPageStandIn | undefined;
  let claudeConfigDir: string | undefined;
  let workbench: Workbench;
  let page: Page;
  let transcript: string;
  let cwd: string;
  const now = Date.now();
  // Outage A two days ago (3 retries, 2 failures) during the incident; outage B four days ago
  // (1 retry, 1 failure) that the status page never mentioned; a rate limit yesterday.
  const outageA = now - 2 * 24 * HOUR;
  const outageB = now - 4 * 24 * HOUR;
  const at = (ms: number) => new Date(ms).toISOString();
  const envelope = (ms: number, sessionId: string): Envelope => ({ sessionId, cwd, version: '2.1.205', timestamp: at(ms) });

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    claudeConfigDir = await makeTempDir('claude');
    await mkdir(path.join(claudeConfigDir, 'projects'), { recursive: true });
    statusPage = await startStatusPageStandIn(
      { summary: statusSummary('none') },
      { summary: incidentsDocument([{ name: INCIDENT, impact: 'major', startedAt: at(outageA + 10 * 60_000), resolvedAt: at(outageA + HOUR) }]) },
    );
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: { CLAUDE_CONFIG_DIR: claudeConfigDir, ANTHROPIC_BASE_URL: '', CLAUDE_CODE_USE_BEDROCK: '', CLAUDE_CODE_USE_VERTEX: '', CLAUDE_CODE_USE_FOUNDRY: '' },
      settings: { 'claudeAPIWatch.notifications': 'off' },
    });
    await updateMachineSettings(session, { 'claudeAPIWatch.anthropicStatus.url': statusPage.url });
    cwd = session.workspaceDir;
    const a = randomUUID();
    const b = randomUUID();
    transcript = path.join(claudeConfigDir, 'projects', projectFolderName(cwd), `${a}.jsonl`);
    await mkdir(path.dirname(transcript), { recursive: true });
    const retry = (ms: number, attempt: number, id: string, sessionId: string) =>
      retryFlat({ status: 529, message: 'Overloaded', requestId: id }, attempt, envelope(ms, sessionId));
    const final500 = (ms: number, id: string, sessionId: string) =>
      finalFailure('API Error: 500 Internal server error.', envelope(ms, sessionId), { error: 'server_error', apiErrorStatus: 500, requestId: id });
    await appendFile(
      transcript,
      [
        retry(outageA, 1, 'req_011CVhistA0000000001', a),
        retry(outageA + 60_000, 2, 'req_011CVhistA0000000002', a),
        final500(outageA + 2 * 60_000, 'req_011CVhistA0000000003', a),
        retry(outageA + 8 * 60_000, 1, 'req_011CVhistA0000000004', a),
        final500(outageA + 12 * 60_000, 'req_011CVhistA0000000005', a),
        finalFailure("You've hit your session limit · resets 5:40pm", envelope(now - 20 * HOUR, a), { error: 'rate_limit' }),
      ].join('\n') + '\n',
    );
    await appendFile(
      path.join(path.dirname(transcript), `${b}.jsonl`),
      [retry(outageB, 1, 'req_011CVhistB0000000001', b), final500(outageB + 5 * 60_000, 'req_011CVhistB0000000002', b)].join('\n') + '\n',
    );
    workbench = await openWorkbench(session);
    page = workbench.page;
  });

  after(async () => {
    await session?.stop();
    await statusPage?.close();
    if (claudeConfigDir) await rm(claudeConfigDir, { recursive: true, force: true });
  });

  /** The panel's page: the webview iframe, then its active frame. */
  function panel(): FrameLocator {
    return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  function quickPickRow(text: string) {
    return page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: text }).first();
  }

  async function drawn(): Promise<Record<string, string | undefined>> {
    return panel().locator('#chart').evaluate((chart: HTMLElement) => ({ ...chart.dataset }));
  }

  test('draws the planted week, lists the episodes with the matched incident, and takes the README screenshot', async () => {
    // Reached from the status item: its click offers the history among its actions.
    const item = page.locator('[id="workbench.parts.statusbar"] [id$="claudeApiWatch.status"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.click();
    await quickPickRow('Failure History').click();
    const counts = await until('the chart to draw', drawn, (d) => d.failures !== undefined);
    assert.deepEqual({ failures: counts.failures, retries: counts.retries, episodes: counts.episodes, incidents: counts.incidents }, { failures: '4', retries: '4', episodes: '3', incidents: '1' });
    assert.equal(await panel().locator('#chart canvas').count(), 1);
    // The chart's bars: uPlot's legend names the classes drawn.
    const legend = await panel().locator('.u-legend').innerText();
    assert.match(legend, /server/);
    assert.match(legend, /rate limit/);
    const rows = panel().locator('#episodes-body tr');
    assert.equal(await rows.count(), 3);
    const texts = await rows.allInnerTexts();
    const [limit, a, b] = texts; // newest first
    assert.match(limit, /rate_limit/);
    assert.match(a, new RegExp(`${INCIDENT} \\(major\\)`));
    assert.match(a, /2 \/ 3/);
    assert.match(a, /req_011CVhistA0000000005/);
    assert.match(b, /not on the status page/);
    assert.match(await panel().locator('#status-line').innerText(), /reported an incident during 1 of 2 outages/);
    assert.match(await panel().locator('#chart-text').textContent() ?? '', /4 failures, 4 retries, 3 episodes/);
    assert.ok(statusPage!.requests.some((r) => r.url === '/api/v2/incidents.json'), 'incidents.json was asked');
    await page.waitForTimeout(500);
    await workbench.screenshot('history');
    log('drawn and listed');
  });

  test('shows a new failure while open', async () => {
    await appendFile(
      transcript,
      finalFailure('API Error: 500 Internal server error.', envelope(Date.now(), 'live-session'), { error: 'server_error', apiErrorStatus: 500, requestId: 'req_011CVhistLive00000001' }) + '\n',
    );
    await until('the new failure in the chart', drawn, (d) => d.failures === '5');
  });

  test('Copy Bug Report on a row copies that outage with its Anthropic incident', async () => {
    const row = panel().locator('#episodes-body tr').filter({ hasText: INCIDENT });
    await row.getByRole('button', { name: 'Copy Bug Report' }).click();
    const report = await until('the report on the clipboard', () => workbench.readClipboard(), (text) => text.includes('req_011CVhistA0000000005'));
    assert.match(report, new RegExp(`Anthropic incident: \`?${INCIDENT} \\(impact major`));
  });

  test('opens again from Show Recent Failures', async () => {
    await workbench.runCommand('View: Close All Editors');
    await until('the panel to close', () => page.locator('iframe.webview.ready').count(), (n) => n === 0);
    await workbench.runCommand('Claude API Watch: Show Recent Failures');
    await quickPickRow('Show Failure History').click();
    await until('the chart to draw again', drawn, (d) => d.failures === '5');
  });

  test('switches to 24 hours and to all sessions with the keyboard', async () => {
    const day = panel().locator('button[data-range="24h"]');
    await day.focus();
    await page.keyboard.press('Enter');
    await until('the 24-hour chart', drawn, (d) => d.episodes === '2');
    assert.equal(await day.getAttribute('aria-pressed'), 'true');
  });

  /**
   * The worst contrast ratio (WCAG) of the panel's text against its background: headings, legend,
   * muted text, table. A string: tsx's helpers do not exist in the page.
   */
  async function worstContrast(): Promise<{ ratio: number; where: string }> {
    return panel()
      .locator('body')
      .evaluate(`(() => {
        function luminance(css) {
          const [r, g, b] = (css.match(/[\\d.]+/g) || []).slice(0, 3).map(Number).map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        }
        const background = getComputedStyle(document.body).backgroundColor;
        let worst = { ratio: Infinity, where: '' };
        for (const selector of ['h1', '.u-legend', '#range-label', '.figure dt', 'th', 'td', 'td .muted']) {
          const element = document.querySelector(selector);
          if (!element) continue;
          const color = getComputedStyle(element).color;
          const [a, b] = [luminance(color), luminance(background)].sort((x, y) => y - x);
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < worst.ratio) worst = { ratio, where: selector + ': ' + color + ' on ' + background };
        }
        return worst;
      })()`);
  }

  for (const [theme, bodyClass, name] of [
    ['Light Modern', 'vscode-light', 'history-light'],
    ['Dark High Contrast', 'vscode-high-contrast', 'history-high-contrast'],
  ] as const) {
    test(`stays readable in ${theme} (screenshot ${name})`, async () => {
      await workbench.runCommand('Notifications: Clear All Notifications');
      // The way a user does: Preferences: Color Theme, the theme's name, its row.
      await workbench.pickFromCommand('Preferences: Color Theme', theme);
      await until(`the panel in ${theme}`, () => panel().locator('body').getAttribute('class'), (classes) => (classes ?? '').split(' ').includes(bodyClass));
      const contrast = await worstContrast();
      log(`${theme}: worst text contrast ${contrast.ratio.toFixed(1)} (${contrast.where})`);
      assert.ok(contrast.ratio >= 4.5, `text too faint in ${theme}: ${contrast.ratio.toFixed(2)} (${contrast.where})`);
      await page.waitForTimeout(500);
      await workbench.screenshot(name);
    });
  }
});
