// The environment the measured commands run in: a user's, not this machine's. The machine points
// NODE_EXTRA_CA_CERTS at a whole CA bundle, and Node 20 parses that file at every start-up, before
// any of our code runs (a profile of `node -e 0` spends half its time in it). No scan, watch or
// editor start-up makes a TLS connection, and a user whose variable names a corporate certificate
// or two pays next to nothing; so every command the bench times runs without it, and the table says
// what it would have cost.
import * as fs from 'node:fs';
import { median, timed, type BenchSection } from './table';

/** `node -e 0`'s wall time in ms, median of nine, under `env`. */
function nodeStartMs(env: NodeJS.ProcessEnv): number {
  return median(Array.from({ length: 9 }, () => timed(process.execPath, ['-e', '0'], env)));
}

/**
 * Unsets NODE_EXTRA_CA_CERTS for this process and so for every command it starts, and returns the
 * section that reports it (nothing to report when it was not set).
 */
export function measureAsUsersRunIt(): BenchSection | null {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return null;
  const certificates = (() => {
    try {
      return String(fs.readFileSync(bundle, 'latin1').split('-----BEGIN CERTIFICATE-----').length - 1);
    } catch {
      return 'unreadable';
    }
  })();
  const withBundle = nodeStartMs(process.env);
  delete process.env.NODE_EXTRA_CA_CERTS;
  const without = nodeStartMs(process.env);
  return {
    name: 'environment',
    run: async (bench) => {
      bench.row(
        'node -e 0, with this machine\'s NODE_EXTRA_CA_CERTS / without',
        `${withBundle.toFixed(0)} ms / ${without.toFixed(0)} ms (${certificates} certificates in ${bundle}); every command below runs without it`,
      );
    },
  };
}
