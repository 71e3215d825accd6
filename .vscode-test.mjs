// @vscode/test-cli configuration for the extension-host suite (test/e2e/suite, bundled to out/e2e-suite by
// `node scripts/e2e/build-suite.mjs`; the extension itself by `npm run build`), in four editors:
//   npx vscode-test --label desktop-minimum        downloads VS Code 1.100.0 (engines.vscode) and runs the suite there
//   npx vscode-test --label desktop-stable         the same in the latest stable VS Code
//   npx vscode-test --label code-server-minimum    the same suite in code-server (VS Code 1.100.3), for machines
//   npx vscode-test --label code-server-newest     without that download (the newest code-server that runs here)
// CI runs the desktop ones under xvfb (.github/workflows/ci.yml); `npm run test:e2e` chooses for you.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@vscode/test-cli';

// Hermetic, as the suite demands: a Claude config dir and an editor profile of its own, fresh on
// every run (never ~/.claude, never the user's editor settings), and no status page look-ups
// (tests talk only to 127.0.0.1). code-server makes its own profile (the harness), with the same setting.
const scratch = path.resolve('.vscode-test', 'scratch');
rmSync(scratch, { recursive: true, force: true });
const claudeConfigDir = path.join(scratch, 'claude');
mkdirSync(path.join(claudeConfigDir, 'projects'), { recursive: true });
const userDataDir = path.join(scratch, 'user-data');
mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'claudeAPIWatch.anthropicStatus.enabled': false }, null, 2));

const common = {
  files: 'out/e2e-suite/**/*.test.js',
  mocha: { ui: 'tdd', timeout: 30_000 },
  env: { CLAUDE_CONFIG_DIR: claudeConfigDir },
  launchArgs: [`--user-data-dir=${userDataDir}`],
};
const codeServer = (editor) => ({
  label: `code-server-${editor}`,
  useInstallation: { fromPath: 'scripts/e2e/code-via-code-server' },
  ...common,
  env: { ...common.env, CAW_E2E_EDITOR: editor },
});

export default defineConfig([
  { label: 'desktop-minimum', version: '1.100.0', ...common },
  { label: 'desktop-stable', version: 'stable', ...common },
  codeServer('minimum'),
  codeServer('newest'),
]);
