// The CLI prints no raw control sequence from transcript text or file names (issue 21): the real
// entry point, run as a user runs it, over a config dir whose path, folder names, transcript
// content and unreadable entries carry terminal escapes (OSC 8 links, OSC 52 clipboard writes,
// CSI clear screen, C1 controls), bidi controls and zero-width characters. Every byte each command
// writes to stdout and stderr is checked; what the JSON says is still what the transcript said.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { escapeJsonText, sanitizeText } from '../../src/core/text/sanitize';
import { terminalText } from '../../src/cli/common';
import { assistantText, finalFailure, retrySdkError, writeConfigDir } from '../fixtures/transcripts';

const run = promisify(execFile);
const CLI = path.resolve('src/cli.ts');
const ESC = '\u001b';
/** Everything that acts on a terminal or hides: C0 (but tab and newline), DEL, C1, bidi, zero-width. */
// eslint-disable-next-line no-control-regex
const ACTING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/;

const OSC8 = `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;
const OSC52 = `${ESC}]52;c;cm0gLXJmIH4=\u0007`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const C1 = '\u009b31m\u009d0;title\u009c';
const BIDI = '\u202egnp.exe\u2066x\u2069\u200b';
const HOSTILE = `${OSC8}${OSC52}${CLEAR}${C1}${BIDI}`;
const SESSION = '5d2e1f00-aaaa-4bbb-8ccc-dddddddddddd';
/** An OSC 8 link with no `/` in it, for file names. */
const NAME_OSC8 = `${ESC}]8;;https:evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;

describe('the CLI prints no raw control sequence (real process, every command)', () => {
  let root: string;
  let configDir: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'caw-terminal-'));
    // The config dir's own path carries an escape: it is printed by every command that names it.
    configDir = await writeConfigDir(path.join(root, `claude${NAME_OSC8}\u202e`), {
      [`-srv-${ESC}[31mred/${SESSION}.jsonl`]: [
        assistantText('On it.', { sessionId: SESSION, timestamp: '2026-11-20T10:00:00.000Z', cwd: `/srv/app${HOSTILE}` }, `claude-opus-4-5${C1}`, 'req_okA0000001'),
        retrySdkError(500, `api_error${CLEAR}`, `Internal ${HOSTILE} error`, 'req_retry0000001', 1, { sessionId: SESSION, timestamp: '2026-11-20T10:01:00.000Z', cwd: `/srv/app${HOSTILE}` }),
        finalFailure(`API Error: 500 Internal server error ${HOSTILE} (see ${OSC52})`, {
          sessionId: SESSION,
          timestamp: '2026-11-20T10:02:00.000Z',
          cwd: `/srv/app${HOSTILE}`,
          version: `2.1.120${CLEAR}`,
          entrypoint: `cli${BIDI}`,
        }),
      ],
    });
    // An entry that cannot be read, named with escapes: its path is printed on stderr.
    const project = path.join(configDir, 'projects', `-srv-${ESC}[31mred`);
    await fs.symlink('nowhere.jsonl', path.join(project, `dangling${NAME_OSC8}${OSC52}${BIDI}.jsonl`));
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function cli(args: string[], timeout?: number): Promise<{ stdout: string; stderr: string }> {
    const env = { ...process.env, HOME: root, TZ: 'UTC', NO_COLOR: '1' };
    try {
      return await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env, timeout, maxBuffer: 1 << 24, killSignal: 'SIGINT' });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  const commands: string[][] = [
    ['scan', '--since', 'all'],
    ['scan', '--since', 'all', '--json'],
    ['report', '--no-status'],
    ['report', '--no-status', '--format', 'url'],
    ['report', '--no-status', '--format', 'json'],
    ['report', '--no-status', '--request-id', `req_${ESC}[2Jnope`],
    ['doctor', '--since', 'all'],
    ['doctor', '--since', 'all', '--json'],
    ['history', '--since', '30d', '--no-status'],
  ];
  for (const args of commands) {
    it(`claude-api-watch ${args.filter((arg) => !arg.includes(ESC)).join(' ')}`, async () => {
      const [command, ...flags] = args;
      const { stdout, stderr } = await cli([command, '--config-dir', configDir, ...flags]);
      assert.doesNotMatch(stderr, /Usage:|unknown command/, stderr);
      // The command did its work: the failure is there (or, for an unknown request ID, said missing).
      assert.match(stdout + stderr, flags.includes('--request-id') ? /no API failure or retry with request ID/ : /req_okA0000001|req_retry0000001|failure|Failure|500/);
      for (const [name, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
        const found = ACTING.exec(text);
        assert.equal(found, null, `${name} holds U+${found?.[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${found?.index}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`);
      }
      if (args.includes('--json') || args.includes('json')) {
        // JSON output keeps its value: the escapes are JSON's own.
        const values = stdout.trim().startsWith('{') && !stdout.trim().includes('\n{') ? [JSON.parse(stdout)] : stdout.trim().split('\n').map((line) => JSON.parse(line));
        assert.ok(values.length > 0);
      }
    });
  }

  it('claude-api-watch watch (until interrupted)', async () => {
    const { stdout, stderr } = await cli(['watch', '--config-dir', configDir], 6000);
    assert.match(stderr, /Watching /);
    assert.equal(ACTING.exec(stdout + stderr), null, JSON.stringify(stderr));
  });

  it('scan --json still says what the transcript said, as JSON escapes', async () => {
    const { stdout } = await cli(['scan', '--config-dir', configDir, '--since', 'all', '--json']);
    const failure = stdout.trim().split('\n').map((line) => JSON.parse(line)).find((record) => record.kind === 'failure');
    assert.ok(failure.message.includes(`Internal server error ${HOSTILE}`.slice(0, 30)), failure.message);
    assert.ok(failure.cwd.endsWith(HOSTILE), failure.cwd);
  });
});

describe('terminalText and the sanitiser', () => {
  it('writes every acting character as a visible escape, keeps newline and tab, and keeps JSON valid and equal', () => {
    const value = { text: `a${HOSTILE}\tb\nc\u2028d\ud800` };
    const json = JSON.stringify(value);
    const out = terminalText(json);
    assert.equal(ACTING.exec(out), null);
    assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(value)));
    assert.equal(terminalText('line one\n\tindented'), 'line one\n\tindented');
    assert.equal(escapeJsonText('x\u202ey'), 'x\\u202ey');
  });

  it('sanitizeText removes them (the report, the URL, the tooltip, notifications)', () => {
    assert.equal(sanitizeText(`a${ESC}[2Jb\u202ec\u200bd\r\ne\u0085f`), 'a[2Jbcd\ne f');
    assert.equal(ACTING.exec(sanitizeText(HOSTILE)), null);
  });
});
