// The failure history panel in a real VS Code (code-server + Chromium, the packaged .vsix): a planted
// week of transcripts, the editor in a zone half an hour off UTC (Asia/Kolkata: a local day is not a
// UTC day) and a status-page stand-in on 127.0.0.1 with one incident. The chart must place each bar
// over its local day and shade each outage over its failures, draw the incident as a band with its
// legend entry that the keyboard reaches, the table must read in words, Copy Summary must copy a
// redacted Markdown table, the empty and error states must say one sentence with the action that
// fixes them, and the screenshots in the four kinds of theme are the README's.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { projectFolderName } from '../../scripts/demo-outage';
import { finalFailure, retryFlat, type Envelope } from '../fixtures/transcripts';
import { incidentsDocument, startStatusPageStandIn, statusSummary, type StatusPageStandIn } from '../support/statusPageStandIn';
import { makeTempDir, openWorkbench, repoRoot, startCodeServer, until as untilIn, updateMachineSettings, type CodeServerSession, type Workbench } from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const INCIDENT = 'Elevated errors on the Claude API';
const WAIT_MS = 30_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The editor's zone: UTC+05:30 all year (no daylight saving), so the test can find local midnights. */
const ZONE = 'Asia/Kolkata';
const ZONE_OFFSET = 5.5 * HOUR;
const localMidnight = (ms: number) => Math.floor((ms + ZONE_OFFSET) / DAY) * DAY - ZONE_OFFSET;
const log = (...args: unknown[]) => console.log('history.e2e:', ...args);

/** `until` with this file's patience. */
const until = <T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = WAIT_MS) => untilIn(what, read, accept, timeoutMs);

interface Box {
  left: number;
  right: number;
}

describe('the failure history panel in code-server', { timeout: 300_000 }, () => {
  let session: CodeServerSession | undefined;
  let statusPage: StatusPageStandIn | undefined;
  let claudeConfigDir: string | undefined;
  let workbench: Workbench;
  let page: Page;
  let transcript: string;
  let cwd: string;
  const now = Date.now();
  // Outage A two days ago (3 retries, 2 failures over 12 minutes) during the incident; outage B four
  // days ago (1 retry, 1 failure) that the status page never mentioned; a plan limit 20 hours ago.
  // A's first failure is at 21:51 local time: late in its day, as in the issue, where a bar drawn from
  // the day's start and a shade at the outage's time did not line up.
  const outageA = localMidnight(now - 2 * DAY) + 21 * HOUR + 51 * MINUTE;
  const outageATimes = [0, 1, 2, 8, 12].map((minutes) => outageA + minutes * MINUTE);
  const outageB = now - 4 * DAY;
  const elsewhere = '/srv/other-project';
  const at = (ms: number) => new Date(ms).toISOString();
  const envelope = (ms: number, sessionId: string, where = cwd): Envelope => ({ sessionId, cwd: where, version: '2.1.205', timestamp: at(ms) });

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    claudeConfigDir = await makeTempDir('claude');
    await mkdir(path.join(claudeConfigDir, 'projects'), { recursive: true });
    statusPage = await startStatusPageStandIn(
      { summary: statusSummary('none') },
      { summary: incidentsDocument([{ name: INCIDENT, impact: 'major', startedAt: at(outageA + 10 * MINUTE), resolvedAt: at(outageA + HOUR) }]) },
    );
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: { TZ: ZONE, CLAUDE_CONFIG_DIR: claudeConfigDir, ANTHROPIC_BASE_URL: '', CLAUDE_CODE_USE_BEDROCK: '', CLAUDE_CODE_USE_VERTEX: '', CLAUDE_CODE_USE_FOUNDRY: '' },
      // The panel must open on the scope the setting names.
      settings: { 'claudeAPIWatch.notifications': 'off', 'claudeAPIWatch.scope': 'all' },
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
    const [a0, a1, a2, a3, a4] = outageATimes;
    await appendFile(
      transcript,
      [
        retry(a0, 1, 'req_011CVhistA0000000001', a),
        retry(a1, 2, 'req_011CVhistA0000000002', a),
        final500(a2, 'req_011CVhistA0000000003', a),
        retry(a3, 1, 'req_011CVhistA0000000004', a),
        final500(a4, 'req_011CVhistA0000000005', a),
      ].join('\n') + '\n',
    );
    await appendFile(
      path.join(path.dirname(transcript), `${b}.jsonl`),
      [retry(outageB, 1, 'req_011CVhistB0000000001', b), final500(outageB + 5 * MINUTE, 'req_011CVhistB0000000002', b)].join('\n') + '\n',
    );
    // Another project's session: in "All sessions", not in "This workspace".
    const other = path.join(claudeConfigDir, 'projects', projectFolderName(elsewhere), `${randomUUID()}.jsonl`);
    await mkdir(path.dirname(other), { recursive: true });
    await appendFile(other, finalFailure("You've hit your session limit · resets 5:40pm", envelope(now - 20 * HOUR, 'limit-session', elsewhere), { error: 'rate_limit' }) + '\n');
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

  /** Where the chart draws an instant: its time axis as the svg states it, in page pixels of the panel. */
  async function timeAxis(): Promise<(ms: number) => number> {
    const axis = await panel()
      .locator('#plot')
      .evaluate((plot: SVGSVGElement) => ({ from: plot.dataset.from, to: plot.dataset.to, left: plot.dataset.left, right: plot.dataset.right, x: plot.getBoundingClientRect().left }));
    const [from, to, left, right] = [axis.from, axis.to, axis.left, axis.right].map(Number);
    return (ms) => axis.x + left + ((ms - from) / (to - from)) * (right - left);
  }

  async function box(locator: Locator): Promise<Box> {
    const rect = await locator.evaluate((element: Element) => element.getBoundingClientRect().toJSON() as DOMRect);
    return { left: rect.left, right: rect.right };
  }

  test('opens on the setting\'s scope and places bars on their local days, outages over their failures, the incident as a band', async () => {
    // Reached from the status item: its click offers the history among its actions.
    const item = page.locator('[id="workbench.parts.statusbar"] [id$="claudeApiWatch.status"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.click();
    await quickPickRow('Failure History').click();
    const counts = await until('the chart to draw', drawn, (d) => d.failures !== undefined);
    assert.deepEqual({ failures: counts.failures, retries: counts.retries, episodes: counts.episodes, incidents: counts.incidents }, { failures: '4', retries: '4', episodes: '3', incidents: '1' });
    assert.equal(await panel().locator('button[data-scope="all"]').getAttribute('aria-pressed'), 'true', 'claudeAPIWatch.scope is "all"');
    assert.equal(await panel().locator('button[data-scope="workspace"]').getAttribute('aria-pressed'), 'false');

    const x = await timeAxis();
    // The bar of outage A's day spans that local day, midnight to midnight (1 px of rounding).
    const dayStart = localMidnight(outageA);
    const bar = await box(panel().locator(`#plot rect.bar[data-start="${dayStart}"]`));
    assert.ok(Math.abs(bar.left - x(dayStart)) <= 1 && Math.abs(bar.right - x(dayStart + DAY)) <= 1, `bar ${JSON.stringify(bar)} over ${x(dayStart)}–${x(dayStart + DAY)}`);
    // Its local midnight has a tick, and the ticks are days ("Dec 5"), not "12am / 12pm".
    const tick = await box(panel().locator(`#plot line.tick[data-at="${dayStart}"]`));
    assert.ok(Math.abs(tick.left - x(dayStart)) <= 1);
    const labels = await panel().locator('#plot .axis text').allTextContents();
    assert.ok(labels.length >= 4 && labels.every((label) => /^[A-Z][a-z]{2} \d{1,2}$/.test(label)), labels.join(' | '));
    // Outage A's shading covers each of its failures and retries; it is late in the day, in the bar's last hours.
    const shade = await box(panel().locator(`#plot rect.outage[data-start="${outageA}"]`));
    for (const time of outageATimes) assert.ok(shade.left <= x(time) && x(time) <= shade.right, `shade ${JSON.stringify(shade)} misses ${x(time)}`);
    assert.ok(shade.left > bar.left + (bar.right - bar.left) * 0.85, 'at 21:51 local, near the end of its day');
    // Retries are marks, one per bucket: no line joins them.
    assert.equal(await panel().locator('#plot circle.retry').count(), 2);
    assert.equal(await panel().locator('#plot path, #plot polyline').count(), 0);

    // The incident: a band over its span, named, coloured by impact, in the legend.
    const band = panel().locator('#incidents button.incident');
    assert.equal(await band.count(), 1);
    assert.match((await band.getAttribute('class')) ?? '', /impact-major/);
    assert.match((await band.getAttribute('aria-label')) ?? '', new RegExp(`Anthropic incident \\(major impact\\): ${INCIDENT}`));
    const span = await box(band);
    const [start, end] = [x(outageA + 10 * MINUTE), x(outageA + HOUR)];
    assert.ok(span.left <= start + 1 && span.right >= end - 1, `band ${JSON.stringify(span)} over ${start}–${end}`);
    assert.equal(await panel().locator('#incidents .incident-label').innerText(), INCIDENT, 'named on the chart, not only on hover');
    const legend = await panel().locator('#legend').innerText();
    for (const entry of ['server error (5xx)', 'retries', 'Anthropic outage', 'Anthropic incident: major', 'rate limit']) assert.ok(legend.includes(entry), `legend lacks ${entry}: ${legend}`);
    assert.ok(statusPage!.requests.some((r) => r.url === '/api/v2/incidents.json'), 'incidents.json was asked');
    log('chart lines up');
  });

  test('reads as a table at the default width: one line per date, words, a verdict, the actions that fit', async () => {
    const rows = panel().locator('#episodes-body tr');
    assert.equal(await rows.count(), 3);
    const [limit, a, b] = await rows.allInnerTexts(); // newest first
    assert.match(limit, /1 rate limit/);
    assert.match(limit, /You — a usage or rate limit/);
    assert.doesNotMatch(limit, /rate_limit|×/);
    assert.equal(await rows.nth(0).getByRole('button', { name: 'Copy Bug Report' }).count(), 0, 'nothing to file for a limit');
    assert.match(a, /2 server errors \(500\), 3 retries: overloaded \(529\)/);
    assert.match(a, new RegExp(`Anthropic — on the status page \\(major\\): ${INCIDENT}`));
    assert.match(a, /copy 5 request IDs/);
    assert.match(b, /Anthropic — server side; not on the status page/);
    // One line per date, and nothing scrolls sideways.
    const layout = await panel()
      .locator('body')
      .evaluate(() => ({
        // Line boxes of each date's text (a cell is as tall as its row; its text's lines are what wrap).
        dateLines: [...document.querySelectorAll('#episodes-body td.when')].map((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
        }),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        width: document.documentElement.clientWidth,
      }));
    log('panel width', layout.width);
    assert.ok(layout.dateLines.length === 3 && layout.dateLines.every((lines) => lines === 1), JSON.stringify(layout));
    assert.ok(layout.overflow <= 0, `scrolls sideways by ${layout.overflow} px`);
    assert.match(await panel().locator('#status-line').innerText(), /reported an incident during 1 of 2 outages/);
    assert.match((await panel().locator('#chart-text').textContent()) ?? '', /4 failures, 4 retries, 3 episodes/);
    await page.waitForTimeout(300);
    await workbench.screenshot('history');
  });

  test('the keyboard reaches the incident band, which names it and marks its episode', async () => {
    await panel().locator('#copy-summary').focus();
    let reached = false;
    for (let presses = 0; presses < 12 && !reached; presses++) {
      await page.keyboard.press('Tab');
      reached = await panel().locator('#incidents button.incident').evaluate((band) => band === document.activeElement);
    }
    assert.ok(reached, 'Tab reaches the band');
    assert.match(await panel().locator('#chart-hint').innerText(), new RegExp(INCIDENT));
    assert.equal(await panel().locator('#chart-hint').getAttribute('aria-live'), 'polite');
    const matched = await panel().locator('#episodes-body tr.matched').allInnerTexts();
    assert.equal(matched.length, 1);
    assert.match(matched[0], /2 server errors/);
  });

  test('Copy Summary copies the figures and episodes as a Markdown table', async () => {
    await panel().locator('#copy-summary').click();
    const summary = await until('the summary on the clipboard', () => workbench.readClipboard(), (text) => text.startsWith('### Claude API failures'));
    assert.match(summary, /^### Claude API failures: the last 7 days, all sessions$/m);
    assert.match(summary, /^\| Failures \| Retries \| Outages \|/m);
    assert.match(summary, /^\| 4 \| 4 \| 2 \| 12 min on /m);
    assert.match(summary, /^\| Start \| Duration \| What happened \| Is it me or Anthropic\? \| Request IDs \|$/m);
    assert.match(summary, new RegExp(`\\*\\*Anthropic\\*\\*: on the status page \\(major\\), \`${INCIDENT}\``));
    assert.match(summary, /req_011CVhistA0000000001, req_011CVhistA0000000002, req_011CVhistA0000000003 \+2 more/);
    assert.doesNotMatch(summary, new RegExp(claudeConfigDir!.replace(/[/.]/g, '\\$&')));
  });

  test('shows a new failure while open', async () => {
    await appendFile(
      transcript,
      finalFailure('API Error: 500 Internal server error.', envelope(Date.now(), 'live-session', elsewhere), { error: 'server_error', apiErrorStatus: 500, requestId: 'req_011CVhistLive00000001' }) + '\n',
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

  test('24 hours by keyboard: hour ticks; this workspace with nothing in it: one sentence and the button that widens it', async () => {
    const day = panel().locator('button[data-range="24h"]');
    await day.focus();
    await page.keyboard.press('Enter');
    await until('the 24-hour chart', drawn, (d) => d.episodes === '2');
    assert.equal(await day.getAttribute('aria-pressed'), 'true');
    const labels = await panel().locator('#plot .axis text').allTextContents();
    assert.ok(labels.filter((label) => /^\d\d:00$/.test(label)).length >= 4, labels.join(' | '));
    assert.ok(labels.every((label) => /^\d\d:00$|^[A-Z][a-z]{2} \d{1,2}$/.test(label)), labels.join(' | '));

    // The last 24 hours of this workspace hold nothing (the limit and the live failure were another
    // project's): one sentence, no empty grid, and the button that shows all sessions.
    await panel().locator('button[data-scope="workspace"]').click();
    await until('the empty state', () => panel().locator('#notice').isVisible(), (visible) => visible);
    assert.equal(await panel().locator('#notice-text').innerText(), 'No Claude API failures or retries in this workspace in the last 24 hours.');
    assert.ok(await panel().locator('#content').isHidden(), 'no empty grid, no lone legend');
    await workbench.screenshot('history-empty');
    const widen = panel().locator('#notice-action');
    assert.equal(await widen.innerText(), 'Show All Sessions');
    await widen.click();
    await until('all sessions again', drawn, (d) => d.failures === '2' && d.episodes === '2');
    assert.ok(await panel().locator('#notice').isHidden());
    assert.equal(await panel().locator('button[data-scope="all"]').getAttribute('aria-pressed'), 'true');
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
        for (const selector of ['h1', '#legend li', '#plot .axis text', '.figure dt', 'th', 'td', '#incidents .incident-label']) {
          const element = document.querySelector(selector);
          if (!element) continue;
          const style = getComputedStyle(element);
          const color = element instanceof SVGElement ? style.fill : style.color;
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
    ['Light High Contrast', 'vscode-high-contrast-light', 'history-high-contrast-light'],
    ['Dark Modern', 'vscode-dark', 'history-dark'],
  ] as const) {
    test(`stays readable in ${theme} (screenshot ${name})`, async () => {
      if (theme === 'Light Modern') {
        // The screenshots show the week, as the README describes.
        await panel().locator('button[data-range="7d"]').click();
        await until('the week again', drawn, (d) => d.failures === '5' && d.episodes === '4');
      }
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

  test('a config dir that is not there: one sentence naming it once, and the button to the setting', async () => {
    const missing = path.join(claudeConfigDir!, 'not-here');
    await updateMachineSettings(session!, { 'claudeAPIWatch.configDir': missing });
    // The panel reads again on its next update: a range change.
    await until(
      'the error state',
      async () => {
        await panel().locator('button[data-range="30d"]').click();
        return panel().locator('#notice').isVisible();
      },
      (visible) => visible,
    );
    const text = await panel().locator('#notice-text').innerText();
    log('error state:', text);
    assert.equal(text.split(missing).length - 1, 1, `names the folder once: ${text}`);
    assert.equal(text.match(/[.!?](\s|$)/g)?.length, 1, `one sentence: ${text}`);
    assert.ok(await panel().locator('#content').isHidden(), 'no empty grid under it');
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.screenshot('history-error');
    assert.equal(await panel().locator('#notice-action').innerText(), 'Set the Config Dir');
    await panel().locator('#notice-action').click();
    // The Settings editor, searching for the setting (its search box is a suggest input in every release).
    const search = page.locator('.settings-editor .settings-header .suggest-input-container');
    await search.waitFor({ state: 'visible', timeout: WAIT_MS });
    await until('the setting searched for', () => search.innerText(), (text) => /claudeAPIWatch\.configDir/.test(text));
  });
});
