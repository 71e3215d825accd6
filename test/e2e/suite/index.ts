// Entry point the extension host loads (`extensionTestsPath`): runs every bundled *.test.js beside it
// with mocha's tdd interface (suite/test), the same files @vscode/test-cli runs through .vscode-test.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // CAW_E2E_GREP (inherited from code-server's environment) runs only the matching tests, while working on them.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, ...(process.env.CAW_E2E_GREP ? { grep: process.env.CAW_E2E_GREP } : {}) });
  const testFiles = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  for (const name of testFiles) mocha.addFile(path.join(__dirname, name));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
