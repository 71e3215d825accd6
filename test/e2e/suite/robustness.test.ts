// Whatever is in the config dir, the extension host survives it and keeps reporting real failures.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { plantHostileEntries } from '../../fixtures/hostileEntries';
import { finalFailure, toolResult, userPrompt } from '../../fixtures/transcripts';
import {
  eventually,
  extensionId,
  projectName,
  requestId,
  sessionEnvelope,
  useFreshState,
} from './support';

const TWO_MB = 2 * 1024 * 1024;

suite('Bad input', () => {
  const state = useFreshState();

  test('garbage lines, a 2 MB line and a directory named x.jsonl do not stop a later failure from showing', async function () {
    this.timeout(60_000);
    const project = projectName('bad-input');
    // Directories where transcripts are expected: a project-level and a projects-level `*.jsonl` folder.
    await state.transcripts.makeDir(`${project}/x.jsonl`);
    await state.transcripts.makeDir(`${project}/x.jsonl/nested.jsonl`);
    const topLevelDir = projectName('top');
    await state.transcripts.makeDir(`${topLevelDir}.jsonl`);

    const session = sessionEnvelope();
    const garbage: Array<string | Buffer> = [
      'not json at all',
      '{"type":"assistant","isApiErrorMessage":true,"message":{"content":[{"type":"text","text":"API Error: 500',
      'null',
      '42',
      '"API Error: 500"',
      '[]',
      '{}',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"type":"assistant"}',
      JSON.stringify({ type: 'system', subtype: 'api_error', level: 'error', error: null, retryAttempt: 'one', timestamp: 'not a date' }),
      JSON.stringify({ type: 'assistant', isApiErrorMessage: true, message: 'not an object', timestamp: 42 }),
      '['.repeat(100_000),
      Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x0d]),
      // 2 MB of one user prompt that quotes error text (a decoy: never a failure), then 2 MB of noise.
      userPrompt(`why does it say API Error: 500 isApiErrorMessage overloaded_error ${'x'.repeat(TWO_MB)}`, session),
      toolResult(`API Error: 529 {"type":"error","error":{"type":"overloaded_error"}} ${'y'.repeat(1000)}`, session),
      'z'.repeat(TWO_MB),
    ];
    const file = await state.transcripts.append(project, session.sessionId!, garbage);

    // The later real failure, in the same file behind all of that.
    const id = requestId();
    await state.transcripts.appendTo(file, [
      finalFailure(
        `API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"},"request_id":"${id}"}`,
        sessionEnvelope({ sessionId: session.sessionId }),
        { error: 'server_error', apiErrorStatus: 500, requestId: id },
      ),
    ]);
    const snapshot = await eventually(
      'the real failure behind the garbage to show',
      () => state.api.snapshot(),
      (current) => current.state === 'failing' && current.failure?.requestId === id,
    );
    assert.equal(snapshot.failure?.file, file);
    assert.equal(snapshot.failure?.line, garbage.length + 1);
    const fromThisFile = state.api.recentFailures(100).filter((failure) => failure.file === file);
    assert.deepEqual(
      fromThisFile.map((failure) => failure.requestId),
      [id],
      'garbage or decoy lines were taken for failures',
    );
    assert.equal(vscode.extensions.getExtension(extensionId)?.isActive, true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'a transcript line polluted Object.prototype');
  });

  test('a symlink loop, FIFOs, a socket, dangling and ENOTDIR links in the config dir do not stop a failure in another transcript from showing', async function () {
    if (process.platform === 'win32') this.skip();
    this.timeout(60_000);
    // Planted while the extension watches: each entry gets an event, none may be opened (a FIFO
    // would block a thread of the host's pool) and none may stop the rest.
    const hostile = await state.transcripts.makeDir(projectName('hostile'));
    const planted = await plantHostileEntries(hostile);
    try {
      const id = requestId();
      const session = sessionEnvelope();
      const file = await state.transcripts.append(projectName('beside-hostile'), session.sessionId!, [
        finalFailure('API Error: 529 Overloaded. This is a server-side issue, usually temporary.', session, {
          error: 'overloaded',
          apiErrorStatus: 529,
          requestId: id,
        }),
      ]);
      const snapshot = await eventually(
        'the failure beside the hostile entries to light the status bar',
        () => state.api.snapshot(),
        (current) => current.state === 'failing' && current.failure?.requestId === id,
      );
      assert.equal(snapshot.failure?.file, file);
      assert.equal(vscode.extensions.getExtension(extensionId)?.isActive, true);
    } finally {
      await planted.close();
    }
  });
});
