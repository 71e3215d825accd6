// The team view in a real VS Code (code-server + Chromium, the packaged .vsix): off by default, the
// extension sends nothing even with OTEL_* variables in its environment; once the user's (remote)
// settings name a collector, failures written to the transcripts reach an OTLP receiver on
// 127.0.0.1 that decodes the payload, with the auth header from the environment and the
// `team.member` label; a malformed endpoint is said in the log and a warning, and stops the export.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { finalFailure, retrySdkError, userPrompt } from '../fixtures/transcripts';
import { attributesOf, metricsOf, startOtlpReceiver, valueOf, type OtlpReceiver } from '../support/otlpReceiver';
import { editor, makeTempDir, openWorkbench, readOutputLog, repoRoot, startCodeServer, until, updateMachineSettings, type CodeServerSession, type Workbench } from './harness';

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = process.env.CAW_E2E_VSIX ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
const WAIT_MS = 45_000;

describe(`team view in ${editor.label}`, { timeout: 300_000 }, () => {
  let session: CodeServerSession | undefined;
  let workbench: Workbench;
  let page: Page;
  let receiver: OtlpReceiver;
  let configDir: string | undefined;
  let transcript: string;
  let item: Locator;
  const now = () => ({ timestamp: new Date().toISOString() });
  const log = () => readOutputLog(session!, 'Claude API Watch');

  before(async () => {
    assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run npm run test:e2e (it packages first)`);
    receiver = await startOtlpReceiver();
    configDir = await makeTempDir('claude');
    transcript = path.join(configDir, 'projects', '-w', 's1.jsonl');
    await mkdir(path.dirname(transcript), { recursive: true });
    await appendFile(transcript, userPrompt('hi', now()) + '\n');
    session = await startCodeServer({
      extensionVsix: vsixPath,
      env: {
        CLAUDE_CONFIG_DIR: configDir,
        // What a developer's shell may hold: none of it may send anything while the setting is empty.
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20e2e-t0ken',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
      settings: { 'claudeAPIWatch.anthropicStatus.enabled': false, 'claudeAPIWatch.notifications': 'off', 'claudeAPIWatch.scope': 'all' },
    });
    workbench = await openWorkbench(session);
    page = workbench.page;
    item = page.locator('[id="workbench.parts.statusbar"] [id$="claudeApiWatch.status"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await session?.stop();
    await receiver?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  test('a: off by default: a failure is shown, and nothing is sent', async () => {
    await until('the extension to watch', log, (text) => /Claude API Watch .* activated/.test(text), WAIT_MS);
    await appendFile(transcript, finalFailure('API Error: 500 Internal server error.', now()) + '\n');
    await until('the failure on the status bar', () => item.getAttribute('class').then((c) => c ?? ''), (classes) => classes.includes('error-kind'), WAIT_MS);
    // Two export intervals for anything that would have gone out.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(receiver.connections, 0);
    assert.doesNotMatch(await log(), /Team telemetry/);
  });

  test('b: a collector in the user settings: new failures and retries arrive, with the header and team.member', async () => {
    // A machine setting: in a remote window (code-server) it lives in the remote user settings.
    await updateMachineSettings(session!, { 'claudeAPIWatch.telemetry.otlpEndpoint': receiver.url, 'claudeAPIWatch.telemetry.teamMember': 'e2e-dev' });
    await until('the export to start', log, (text) => text.includes(`Team telemetry: sending metrics to ${receiver.url}/v1/metrics`), WAIT_MS);
    await appendFile(transcript, retrySdkError(529, 'overloaded_error', 'Overloaded', 'req_e2eTelemetry01', 1, now()) + '\n');
    const retried = () =>
      receiver.exports.some((received) =>
        (metricsOf(received.body).get('claude_api_watch.retries')?.sum?.dataPoints ?? []).some(
          (point) => valueOf(point) === 1 && attributesOf(point)['http.response.status_code'] === 529 && attributesOf(point)['team.member'] === 'e2e-dev',
        ),
      );
    await until('the retry at the collector', async () => retried(), (yes) => yes, WAIT_MS);
    const last = receiver.exports[receiver.exports.length - 1];
    assert.equal(last.path, '/v1/metrics');
    assert.equal(last.headers.authorization, 'Bearer e2e-t0ken');
    const state = metricsOf(last.body).get('claude_api_watch.state')!.gauge!.dataPoints;
    assert.deepEqual(
      state.filter((point) => valueOf(point) === 1).map((point) => attributesOf(point)['claude_api_watch.state']),
      ['retrying'],
    );
    assert.ok(!JSON.stringify(receiver.exports.map((received) => received.body)).includes('req_e2eTelemetry01'), 'no request id is sent');
  });

  test('c: a malformed endpoint: said in the log and a warning, and sending stops', async () => {
    await updateMachineSettings(session!, { 'claudeAPIWatch.telemetry.otlpEndpoint': 'collector:4318' });
    const text = await until('the bad endpoint to be said', log, (t) => /Team telemetry: claudeAPIWatch\.telemetry\.otlpEndpoint "collector:4318" is not an http/.test(t), WAIT_MS);
    assert.match(text, /team telemetry stays off/);
    const warning = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'collector:4318' });
    await warning.waitFor({ state: 'visible', timeout: WAIT_MS });
    await workbench.screenshot('telemetry-bad-endpoint');
    const exportsThen = receiver.exports.length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.ok(receiver.exports.length <= exportsThen + 1, 'at most the last export while stopping');
  });
});
