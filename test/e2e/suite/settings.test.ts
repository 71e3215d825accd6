// Settings take effect while the editor runs: no reload, the state re-read where it must be.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/core/commandIds';
import { assistantText, finalFailure, retrySdkError } from '../../fixtures/transcripts';
import {
  envConfigDir,
  eventually,
  LEGACY_SECTION,
  projectName,
  requestId,
  sessionEnvelope,
  SettingsGuard,
  stamp,
  Transcripts,
  useFreshState,
} from './support';

function serverFailure(id: string, envelope: ReturnType<typeof sessionEnvelope>): string {
  return finalFailure(
    `API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${id}"}`,
    envelope,
    { error: 'server_error', apiErrorStatus: 500, requestId: id },
  );
}

suite('Settings apply live', () => {
  const state = useFreshState();
  const settings = new SettingsGuard();
  const legacySettings = new SettingsGuard(LEGACY_SECTION);
  let initialConfigDirs: string[];

  suiteSetup(() => {
    initialConfigDirs = state.api.configDirs();
    assert.equal(initialConfigDirs[0], path.resolve(envConfigDir()), 'the extension does not read $CLAUDE_CONFIG_DIR');
  });

  teardown(async () => {
    await settings.restore();
    await legacySettings.restore();
    await eventually('the config dirs to be restored', () => state.api.configDirs(), (dirs) => sameList(dirs, initialConfigDirs));
  });

  test('statusBar.showWhenHealthy hides and shows the healthy item', async () => {
    assert.equal(state.api.snapshot().state, 'healthy');
    await settings.set('statusBar.showWhenHealthy', false);
    await eventually('the healthy item to hide', () => state.api.statusView()?.visible, (visible) => visible === false);
    await settings.set('statusBar.showWhenHealthy', true);
    const view = await eventually('the healthy item to show', () => state.api.statusView(), (shown) => shown?.visible === true);
    assert.equal(view?.text, '$(pulse)');
  });

  test('scope: a session outside the workspace counts only under "all"', async function () {
    this.timeout(60_000);
    const outside = sessionEnvelope({ cwd: path.join(os.tmpdir(), 'elsewhere', 'other-project') });
    const outsideId = requestId();
    // A marker behind it in the same file: once the marker is seen, the outside failure was read too.
    const inside = sessionEnvelope({ timestamp: stamp(2000) });
    const markerId = requestId();
    await state.transcripts.append(projectName('scope'), outside.sessionId!, [
      serverFailure(outsideId, outside),
      retrySdkError(529, 'overloaded_error', 'Overloaded', markerId, 1, inside),
      assistantText('Done.', { ...inside, timestamp: stamp(1000) }),
    ]);
    await settings.set('scope', 'workspace');
    await eventually('the in-workspace marker to be read', () => state.api.recentFailures(100), (failures) => failures.some((f) => f.requestId === markerId));

    const folderOpen = (vscode.workspace.workspaceFolders ?? []).some((folder) => folder.uri.scheme === 'file');
    const underWorkspace = state.api.snapshot();
    if (folderOpen) {
      assert.ok(!state.api.recentFailures(100).some((f) => f.requestId === outsideId), 'an outside session is listed under "workspace"');
      assert.notEqual(underWorkspace.state, 'failing', 'an outside session lights the indicator under "workspace"');
    } else {
      // No folder open: every session is this window's.
      assert.equal(underWorkspace.failure?.requestId, outsideId);
    }

    await settings.set('scope', 'all');
    const underAll = await eventually(
      'the outside failure to count under "all"',
      () => state.api.snapshot(),
      (snapshot) => snapshot.state === 'failing' && snapshot.failure?.requestId === outsideId,
    );
    assert.ok(underAll.affectedSessions.includes(outside.sessionId!));
    assert.ok(state.api.recentFailures(100).some((f) => f.requestId === outsideId));

    if (folderOpen) {
      await settings.set('scope', 'workspace');
      await eventually('the outside failure to stop counting', () => state.api.snapshot().state, (state) => state !== 'failing');
    }
  });

  test('configDir switches to another config dir and back', async function () {
    this.timeout(60_000);
    const otherConfigDir = await mkdtemp(path.join(os.tmpdir(), 'caw-e2e-other-claude-'));
    try {
      const other = new Transcripts(otherConfigDir);
      const session = sessionEnvelope();
      const otherId = requestId();
      await other.append(projectName('other-dir'), session.sessionId!, [serverFailure(otherId, session)]);

      await settings.set('configDir', otherConfigDir);
      await eventually('configDirs() to follow the setting', () => state.api.configDirs(), (dirs) => sameList(dirs, [otherConfigDir]));
      await eventually(
        'the other dir\'s failure to show',
        () => state.api.snapshot(),
        (snapshot) => snapshot.state === 'failing' && snapshot.failure?.requestId === otherId,
      );

      await settings.restore();
      await eventually('configDirs() to return to $CLAUDE_CONFIG_DIR', () => state.api.configDirs(), (dirs) => sameList(dirs, initialConfigDirs));
      const back = await eventually('the other dir\'s failure to be gone', () => state.api.snapshot(), (snapshot) => snapshot.state === 'healthy');
      assert.equal(back.failure, null);
      assert.ok(!state.api.recentFailures(100).some((f) => f.requestId === otherId), 'a failure from the previous config dir is still listed');
    } finally {
      await rm(otherConfigDir, { recursive: true, force: true });
    }
  });

  test("a 0.1 name (claudeApiWatch.*) applies until the new name is set at the same level, and its changes apply live", async function () {
    this.timeout(60_000);
    const oldConfigDir = await mkdtemp(path.join(os.tmpdir(), 'caw-e2e-0.1-claude-'));
    try {
      await legacySettings.set('configDir', oldConfigDir);
      await eventually('configDirs() to follow claudeApiWatch.configDir', () => state.api.configDirs(), (dirs) => sameList(dirs, [oldConfigDir]));
      // The new name, set in user settings too, decides there.
      await settings.set('configDir', envConfigDir());
      await eventually('configDirs() to follow claudeAPIWatch.configDir', () => state.api.configDirs(), (dirs) => sameList(dirs, [path.resolve(envConfigDir())]));
      await settings.restore();
      await eventually('the 0.1 name to apply again', () => state.api.configDirs(), (dirs) => sameList(dirs, [oldConfigDir]));
      // 0.1's notifications was on/off: false still means off.
      assert.deepEqual(state.api.settings().legacyKeys, ['configDir']);
      await legacySettings.set('notifications', false);
      await eventually('notifications off from the 0.1 name', () => state.api.settings().notify, (notify) => notify === 'off');
      await legacySettings.restore();
      await eventually('the default level back', () => state.api.settings().notify, (notify) => notify === 'onPersistentRetries');
    } finally {
      await rm(oldConfigDir, { recursive: true, force: true });
    }
  });

  test('Move Settings to Their New Names moves a 0.1 value when asked, and the palette offers it only while one is set', async function () {
    this.timeout(60_000);
    const hasLegacy = () => state.api.contextKeys()['claudeApiWatch.hasLegacySettings'];
    const user = (section: string) => vscode.workspace.getConfiguration(section).inspect('lookbackHours')?.globalValue;
    await eventually('no 0.1 name set to start with', hasLegacy, (has) => has === false);
    // Put back whatever the new name held (nothing) after the move writes it.
    await settings.set('lookbackHours', user('claudeAPIWatch'));
    await legacySettings.set('lookbackHours', 48);
    await eventually('the palette to offer the move', hasLegacy, (has) => has === true);
    assert.equal(state.api.settings().lookbackMs, 48 * 3_600_000, 'the 0.1 value applies before the move');

    // The command waits on its "moved" notification: watch the settings instead of awaiting it.
    void vscode.commands.executeCommand(CommandId.moveLegacySettings);
    await eventually('the value under its new name only', () => ({ now: user('claudeAPIWatch'), old: user(LEGACY_SECTION) }), (found) => found.now === 48 && found.old === undefined);
    await eventually('the palette to stop offering the move', hasLegacy, (has) => has === false);
    assert.equal(state.api.settings().lookbackMs, 48 * 3_600_000, 'the moved value still applies');
    assert.deepEqual(state.api.settings().legacyKeys, []);

    // Nothing left to move: it says so and writes nothing.
    await vscode.commands.executeCommand(CommandId.moveLegacySettings);
    assert.equal(user('claudeAPIWatch'), 48);
    assert.equal(user(LEGACY_SECTION), undefined);
  });

  test('quietPeriodMinutes re-reads the state with the new period', async function () {
    // The shortest quiet period is a minute, and failures stamped before the suite's last clear
    // stay cleared: so a fresh failure has to age past a minute for real.
    this.timeout(120_000);
    await settings.set('quietPeriodMinutes', 1);
    await eventually('the one-minute quiet period to be read', () => state.api.settings().quietPeriodMs, (ms) => ms === 60_000);
    const session = sessionEnvelope({ timestamp: stamp() });
    const id = requestId();
    await state.transcripts.append(projectName('quiet'), session.sessionId!, [serverFailure(id, session)]);
    await eventually('the fresh failure to be current', () => state.api.snapshot(), (current) => current.state === 'failing' && current.failure?.requestId === id);
    // What is current when it does not expire, to tell a late failure from a missed expiry.
    const current = () => {
      const { state: now, failure } = state.api.snapshot();
      const quietPeriodMs = state.api.settings().quietPeriodMs;
      // A lost or stalled timer shows here: null, or a time already past.
      const nextUpdateAt = state.api.nextUpdateAt();
      return {
        state: now,
        requestId: failure?.requestId,
        timestamp: failure?.timestamp,
        file: failure?.file && path.basename(failure.file),
        at: new Date().toISOString(),
        quietPeriodMs,
        nextUpdateAt: nextUpdateAt === null ? null : new Date(nextUpdateAt).toISOString(),
      };
    };
    await eventually('the failure to expire after a minute', current, (value) => value.state === 'healthy', 80_000);

    await settings.set('quietPeriodMinutes', 10);
    const snapshot = await eventually(
      'the failure to be current again under a 10-minute quiet period',
      () => state.api.snapshot(),
      (current) => current.state === 'failing' && current.failure?.requestId === id,
    );
    assert.equal(snapshot.failureCount, 1);
    assert.deepEqual(state.api.configDirs(), initialConfigDirs);
    assert.equal(state.api.statusView()?.visible, true);
  });
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
