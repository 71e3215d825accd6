// `claude-api-watch health`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import { runCommand, type CliIo } from '../common';
import { runHealthCommand, HEALTH_USAGE } from '../health';

export function run(args: string[], io: CliIo): Promise<number> {
  return runCommand('health', HEALTH_USAGE, io, () => runHealthCommand(args, io));
}
