// What the code-server tests need from the machine besides npm: Chromium (the workbench client), ripgrep
// (stands in for @vscode/ripgrep's GitHub download), Kerberos headers and a C++ toolchain (code-server's
// native modules compile here against the editor's Node). As root with apt-get (CI, these machines) the
// missing Debian packages are installed; anywhere else the message says exactly what to install.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

interface Requirement {
  /** An absolute path that must exist, or a command that must be on PATH. */
  readonly file?: string;
  readonly command?: string;
  /** The Debian package that provides it. */
  readonly debian: string;
}

const REQUIREMENTS: readonly Requirement[] = [
  { file: '/usr/bin/chromium', debian: 'chromium' },
  { file: '/usr/bin/rg', debian: 'ripgrep' },
  { file: '/usr/bin/krb5-config', debian: 'libkrb5-dev' },
  { command: 'make', debian: 'make' },
  { command: 'g++', debian: 'g++' },
  { command: 'python3', debian: 'python3' },
];

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The Debian packages whose files are missing, in a stable order. */
export function missingPackages(): string[] {
  return REQUIREMENTS.filter((need) => (need.file ? !existsSync(need.file) : !onPath(need.command!))).map((need) => need.debian);
}

/** Why the code-server tests cannot run on this machine, or undefined when they can (installing what is missing, as root). */
export async function codeServerBlocker({ log = console.log } = {}): Promise<string | undefined> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the code-server tests need Linux x64 (this is ${process.platform}-${process.arch})`;
  }
  let missing = missingPackages();
  if (missing.length === 0) return undefined;
  const canApt = process.getuid?.() === 0 && onPath('apt-get');
  if (canApt) {
    log(`e2e: installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if ((await run('apt-get', ['update', '-q'], env)) === 0) await run('apt-get', ['install', '-y', '-q', ...missing], env);
    missing = missingPackages();
    if (missing.length === 0) return undefined;
  }
  return (
    `the code-server tests need ${missing.join(', ')} (${REQUIREMENTS.filter((need) => missing.includes(need.debian))
      .map((need) => need.file ?? need.command)
      .join(', ')}).\n` +
    `  Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}` +
    (canApt ? '' : '   (npm test does this itself when run as root)')
  );
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
