import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  collectEnvironment,
  parseOsRelease,
  readClaudeSettingsEnv,
  readLinuxOsRelease,
  type EnvironmentInput,
} from '../../src/core/report/environment';

const UBUNTU = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nPRETTY_NAME="Fedora Linux 41 (Workstation Edition)"\nID=fedora\n';
const MINT = 'NAME="Linux Mint"\nPRETTY_NAME="Linux Mint 22"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';

function input(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return { env: {}, platform: 'linux', osRelease: '6.8.0-45-generic', arch: 'x64', linuxOsRelease: UBUNTU, ...overrides };
}

describe('collectEnvironment: API platform', () => {
  it('is the Anthropic API by default', () => {
    const facts = collectEnvironment(input());
    assert.equal(facts.apiPlatform, 'Anthropic API');
    assert.equal(facts.platformOption, 'Anthropic API');
  });

  it('reads the provider switches, Bedrock before Vertex before Foundry', () => {
    assert.equal(collectEnvironment(input({ env: { CLAUDE_CODE_USE_BEDROCK: '1' } })).apiPlatform, 'AWS Bedrock');
    assert.equal(collectEnvironment(input({ env: { CLAUDE_CODE_USE_VERTEX: 'true' } })).apiPlatform, 'Google Vertex AI');
    const foundry = collectEnvironment(input({ env: { CLAUDE_CODE_USE_FOUNDRY: '1' } }));
    assert.equal(foundry.apiPlatform, 'Microsoft Foundry');
    assert.equal(foundry.platformOption, 'Other');
    assert.equal(
      collectEnvironment(input({ env: { CLAUDE_CODE_USE_VERTEX: '1', CLAUDE_CODE_USE_BEDROCK: '1' } })).apiPlatform,
      'AWS Bedrock',
    );
  });

  it('treats 0, false and empty as off', () => {
    for (const value of ['0', 'false', '', 'no']) {
      assert.equal(collectEnvironment(input({ env: { CLAUDE_CODE_USE_BEDROCK: value } })).apiPlatform, 'Anthropic API');
    }
  });

  it('names a gateway by the host of ANTHROPIC_BASE_URL only, never its credentials or path', () => {
    const facts = collectEnvironment(
      input({ env: { ANTHROPIC_BASE_URL: 'https://user:s3cret@llm-gw.corp.example:8443/anthropic?key=abc' } }),
    );
    assert.equal(facts.apiPlatform, 'Gateway (llm-gw.corp.example:8443)');
    assert.equal(facts.platformOption, 'Other');
    assert.equal(collectEnvironment(input({ env: { ANTHROPIC_BASE_URL: 'https://api.anthropic.com' } })).apiPlatform, 'Anthropic API');
  });

  it('falls back to the env block of settings.json, the process environment first', () => {
    assert.equal(
      collectEnvironment(input({ claudeSettingsEnv: { CLAUDE_CODE_USE_VERTEX: '1' } })).apiPlatform,
      'Google Vertex AI',
    );
    assert.equal(
      collectEnvironment(input({ env: { CLAUDE_CODE_USE_VERTEX: '0' }, claudeSettingsEnv: { CLAUDE_CODE_USE_VERTEX: '1' } }))
        .apiPlatform,
      'Anthropic API',
    );
    assert.equal(
      collectEnvironment(input({ claudeSettingsEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000' } })).apiPlatform,
      'Gateway (127.0.0.1:4000)',
    );
    // Exported but empty: as if not set, so settings.json still decides.
    assert.equal(
      collectEnvironment(input({ env: { ANTHROPIC_BASE_URL: '' }, claudeSettingsEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000' } })).apiPlatform,
      'Gateway (127.0.0.1:4000)',
    );
  });
});

describe('collectEnvironment: operating system', () => {
  it('maps Debian-like distributions to Ubuntu/Debian Linux and others to Other Linux', () => {
    const ubuntu = collectEnvironment(input());
    assert.equal(ubuntu.os, 'Ubuntu/Debian Linux');
    assert.equal(ubuntu.osDetail, 'Ubuntu 24.04.1 LTS, kernel 6.8.0-45-generic, x64');
    assert.equal(collectEnvironment(input({ linuxOsRelease: MINT })).os, 'Ubuntu/Debian Linux');
    assert.equal(collectEnvironment(input({ linuxOsRelease: FEDORA })).os, 'Other Linux');
    assert.equal(collectEnvironment(input({ linuxOsRelease: undefined })).os, 'Other Linux');
  });

  it('marks WSL kernels', () => {
    const facts = collectEnvironment(input({ osRelease: '5.15.167.4-microsoft-standard-WSL2' }));
    assert.equal(facts.osDetail, 'Ubuntu 24.04.1 LTS (WSL), kernel 5.15.167.4-microsoft-standard-WSL2, x64');
  });

  it('names macOS from the Darwin release', () => {
    const sequoia = collectEnvironment(input({ platform: 'darwin', osRelease: '24.1.0', arch: 'arm64' }));
    assert.equal(sequoia.os, 'macOS');
    assert.equal(sequoia.osDetail, 'macOS 15, Darwin 24.1.0, arm64');
    assert.equal(collectEnvironment(input({ platform: 'darwin', osRelease: '25.0.0' })).osDetail, 'macOS 26, Darwin 25.0.0, x64');
  });

  it('tells Windows 11 from Windows 10 by build', () => {
    assert.equal(collectEnvironment(input({ platform: 'win32', osRelease: '10.0.22631' })).osDetail, 'Windows 11 10.0.22631, x64');
    assert.equal(collectEnvironment(input({ platform: 'win32', osRelease: '10.0.19045' })).osDetail, 'Windows 10 10.0.19045, x64');
    assert.equal(collectEnvironment(input({ platform: 'win32', osRelease: '10.0.19045' })).os, 'Windows');
  });

  it('says Other for the rest', () => {
    assert.equal(collectEnvironment(input({ platform: 'freebsd', osRelease: '14.1-RELEASE' })).os, 'Other');
  });
});

describe('collectEnvironment: terminal and editor', () => {
  it('names the Claude Code VS Code extension by its entrypoint', () => {
    const facts = collectEnvironment(input({ entrypoint: 'claude-vscode', env: { TERM_PROGRAM: 'vscode' } }));
    assert.equal(facts.terminal, 'Claude Code VS Code extension');
    assert.equal(facts.terminalOption, 'Other');
  });

  it('names the VS Code integrated terminal (and Cursor, which sets the same TERM_PROGRAM)', () => {
    const vscode = collectEnvironment(input({ entrypoint: 'cli', env: { TERM_PROGRAM: 'vscode' } }));
    assert.equal(vscode.terminal, 'VS Code integrated terminal');
    assert.equal(vscode.terminalOption, 'VS Code integrated terminal');
    const cursor = collectEnvironment(input({ env: { TERM_PROGRAM: 'vscode' }, editor: { name: 'Cursor', version: '1.2.0' } }));
    assert.equal(cursor.terminalOption, 'Cursor');
  });

  it('maps known TERM_PROGRAM values to the form and keeps unknown ones', () => {
    assert.equal(collectEnvironment(input({ env: { TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.5.4' } })).terminal, 'iTerm2 3.5.4');
    assert.equal(collectEnvironment(input({ env: { TERM_PROGRAM: 'Apple_Terminal' } })).terminalOption, 'Terminal.app (macOS)');
    assert.equal(collectEnvironment(input({ env: { TERM_PROGRAM: 'WarpTerminal' } })).terminalOption, 'Warp');
    const ghostty = collectEnvironment(input({ env: { TERM_PROGRAM: 'ghostty' } }));
    assert.deepEqual([ghostty.terminal, ghostty.terminalOption], ['ghostty', 'Other']);
  });

  it('recognises terminals by their own variables, else says unknown', () => {
    assert.equal(collectEnvironment(input({ env: { WT_SESSION: 'x' } })).terminalOption, 'Windows Terminal');
    assert.equal(collectEnvironment(input({ env: { WSL_DISTRO_NAME: 'Ubuntu' } })).terminalOption, 'WSL (Windows Subsystem for Linux)');
    assert.equal(collectEnvironment(input({ env: { TERMINAL_EMULATOR: 'JetBrains-JediTerm' } })).terminalOption, 'IntelliJ IDEA terminal');
    assert.equal(collectEnvironment(input({ env: { CI: 'true' } })).terminalOption, 'Non-interactive/CI environment');
    const none = collectEnvironment(input());
    assert.deepEqual([none.terminal, none.terminalOption], ['unknown', 'Other']);
  });

  it('describes the editor and extension version', () => {
    const facts = collectEnvironment(
      input({ editor: { name: 'Visual Studio Code', version: '1.100.3', remoteName: 'ssh-remote' }, extensionVersion: '0.1.0' }),
    );
    assert.equal(facts.editor, 'Visual Studio Code 1.100.3 (remote: ssh-remote)');
    assert.equal(facts.extensionVersion, '0.1.0');
    assert.equal(collectEnvironment(input()).editor, null);
  });

  it('takes what redaction must hide from the inputs, else from the environment', () => {
    assert.deepEqual(collectEnvironment(input({ env: { HOME: '/home/alice', USER: 'alice' } })).redaction, {
      homedir: '/home/alice',
      username: 'alice',
    });
    assert.deepEqual(
      collectEnvironment(input({ env: { USERPROFILE: 'C:\\Users\\Dana', USERNAME: 'Dana' }, homedir: 'D:\\Home' })).redaction,
      { homedir: 'D:\\Home', username: 'Dana' },
    );
  });
});

describe('readers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'report-env-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the env block of settings.json', async () => {
    const configDir = path.join(dir, 'good');
    await mkdir(configDir);
    await writeFile(
      path.join(configDir, 'settings.json'),
      JSON.stringify({ model: 'opus', env: { CLAUDE_CODE_USE_BEDROCK: 1, AWS_REGION: 'us-east-1', NESTED: { x: 1 } } }),
    );
    assert.deepEqual(await readClaudeSettingsEnv(configDir), { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1' });
  });

  it('tolerates a missing or malformed settings file, or a missing env block', async () => {
    assert.deepEqual(await readClaudeSettingsEnv(path.join(dir, 'missing')), {});
    const bad = path.join(dir, 'bad');
    await mkdir(bad);
    await writeFile(path.join(bad, 'settings.json'), '{"env": {"A": "1"'); // cut off mid-write
    assert.deepEqual(await readClaudeSettingsEnv(bad), {});
    await writeFile(path.join(bad, 'settings.json'), '{"env": ["A=1"]}');
    assert.deepEqual(await readClaudeSettingsEnv(bad), {});
    await writeFile(path.join(bad, 'settings.json'), 'null');
    assert.deepEqual(await readClaudeSettingsEnv(bad), {});
  });

  it('reads the first os-release file that exists', async () => {
    const file = path.join(dir, 'os-release');
    await writeFile(file, FEDORA);
    assert.equal(await readLinuxOsRelease([path.join(dir, 'nope'), file]), FEDORA);
    assert.equal(await readLinuxOsRelease([path.join(dir, 'nope')]), undefined);
    assert.equal(parseOsRelease(FEDORA).PRETTY_NAME, 'Fedora Linux 41 (Workstation Edition)');
  });
});
