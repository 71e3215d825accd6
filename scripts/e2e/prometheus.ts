// The real Prometheus the team view's end-to-end test scrapes `watch --metrics` with: Debian's
// `prometheus` package. As root with apt-get (CI, these machines) it is installed when missing, as
// the editors' packages are (prerequisites.ts); anywhere else the message says what to install.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { onPath } from './prerequisites';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** Why the Prometheus test cannot run here, or undefined once `/usr/bin/prometheus` is there (installed now, as root). */
export async function prometheusBlocker({ log = (message: string) => process.stderr.write(message + '\n') } = {}): Promise<string | undefined> {
  if (existsSync(PROMETHEUS_BINARY)) return undefined;
  const canApt = process.getuid?.() === 0 && onPath('apt-get');
  if (canApt) {
    log('team view test: installing Debian package prometheus');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if ((await run('apt-get', ['update', '-q'], env, log)) === 0) await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'prometheus'], env, log);
    if (existsSync(PROMETHEUS_BINARY)) return undefined;
  }
  return (
    `the team view's Prometheus test needs ${PROMETHEUS_BINARY}.\n` +
    `  Debian/Ubuntu: sudo apt-get install prometheus` +
    (canApt ? '   (apt-get failed: see above)' : '   (npm test does this itself when run as root)') +
    `\n  To run the other tests without it: CAW_PROMETHEUS=skip npm test`
  );
}

/** Runs a command, its output to `log` line by line (a test's stdout is its TAP stream: nothing else goes there). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) log(`  ${line}`);
      });
    }
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}
