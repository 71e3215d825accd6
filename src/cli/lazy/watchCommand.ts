// `claude-api-watch watch`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import type { CliIo } from '../common';
import { runWatchCommand } from '../watch';

export function run(args: string[], io: CliIo): Promise<number> {
  const interrupted = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());
  return runWatchCommand(args, io, interrupted.signal);
}
