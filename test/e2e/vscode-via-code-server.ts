// Stands in for the `code` executable when VS Code desktop cannot be downloaded: takes the command line
// @vscode/test-electron gives VS Code (--extensionDevelopmentPath=, --extensionTestsPath=, a folder, ...),
// runs that suite in code-server through the harness, prints its output and exits with its code.
// Used by .vscode-test.mjs (labels code-server-*) through scripts/e2e/code-via-code-server; CAW_E2E_EDITOR
// (minimum or newest) says which code-server release.
import path from 'node:path';
import { runExtensionTests, startCodeServer } from './harness';

const TIME_LIMIT_MS = 5 * 60_000;

function parseArgs(argv: string[]): { developmentPath?: string; testsPath?: string; folder?: string } {
  const parsed: { developmentPath?: string; testsPath?: string; folder?: string } = {};
  for (const arg of argv) {
    const value = arg.slice(arg.indexOf('=') + 1);
    if (arg.startsWith('--extensionDevelopmentPath=')) parsed.developmentPath ??= value;
    else if (arg.startsWith('--extensionTestsPath=')) parsed.testsPath = value;
    else if (!arg.startsWith('-') && !parsed.folder) parsed.folder = path.resolve(arg);
    // Everything else (--user-data-dir, --no-sandbox, ...) belongs to desktop VS Code; the harness makes its own.
  }
  return parsed;
}

async function main(): Promise<number> {
  const { developmentPath, testsPath, folder } = parseArgs(process.argv.slice(2));
  if (!developmentPath || !testsPath) {
    console.error('usage: code-via-code-server --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]');
    return 2;
  }
  // The extension host inherits this environment, VSCODE_TEST_OPTIONS (test-cli's file list) included.
  // CLAUDE_CONFIG_DIR comes from .vscode-test.mjs (a scratch dir of its own); the profile is the harness's.
  const session = await startCodeServer({
    extensionDevelopmentPath: developmentPath,
    workspaceDir: folder,
    extensionTests: true,
    // Tests talk only to 127.0.0.1: no status page look-ups.
    settings: { 'claudeAPIWatch.anthropicStatus.enabled': false },
  });
  console.log(`code-via-code-server: ${session.editor.label}`);
  try {
    const result = await runExtensionTests(session, testsPath, TIME_LIMIT_MS, (line) => console.log(line));
    return result.exitCode;
  } finally {
    await session.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
