// @vscode/test-cli configuration for the extension-host suite (test/e2e/suite, bundled to out/e2e-suite by
// `node scripts/e2e/build-suite.mjs`; the extension itself by `npm run build`), in four editors:
//   npx vscode-test --label desktop-minimum        downloads VS Code 1.100.0 (engines.vscode) and runs the suite there
//   npx vscode-test --label desktop-stable         the same in the latest stable VS Code
//   npx vscode-test --label code-server-minimum    the same suite in code-server (VS Code 1.100.3), for machines
//   npx vscode-test --label code-server-newest     without that download (the newest code-server that runs here)
// CI runs the desktop ones under xvfb (.github/workflows/ci.yml); `npm run test:e2e` chooses for you.
import { defineConfig } from '@vscode/test-cli';

const common = {
  files: 'out/e2e-suite/**/*.test.js',
  mocha: { ui: 'tdd', timeout: 30_000 },
};
const codeServer = (editor) => ({
  label: `code-server-${editor}`,
  useInstallation: { fromPath: 'scripts/e2e/code-via-code-server' },
  env: { CAW_E2E_EDITOR: editor },
  ...common,
});

export default defineConfig([
  { label: 'desktop-minimum', version: '1.100.0', ...common },
  { label: 'desktop-stable', version: 'stable', ...common },
  codeServer('minimum'),
  codeServer('newest'),
]);
