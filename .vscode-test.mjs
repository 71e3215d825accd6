// @vscode/test-cli configuration for the extension-host suite (test/e2e/suite, bundled to out/e2e-suite by
// `node scripts/e2e/build-suite.mjs`; the extension itself by `npm run build`).
//   npx vscode-test --label desktop       downloads VS Code (oldest supported: 1.100.0) and runs the suite there
//   npx vscode-test --label code-server   runs the same suite in code-server on machines without that download
import { defineConfig } from '@vscode/test-cli';

const common = {
  files: 'out/e2e-suite/**/*.test.js',
  mocha: { ui: 'tdd', timeout: 30_000 },
};

export default defineConfig([
  { label: 'desktop', version: '1.100.0', ...common },
  { label: 'code-server', useInstallation: { fromPath: 'scripts/e2e/code-via-code-server' }, ...common },
]);
