// `claude-api-watch scan`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import { runCommand, type CliIo } from '../common';
import { runScanCommand, SCAN_USAGE } from '../scan';

export function run(args: string[], io: CliIo): Promise<number> {
  return runCommand('scan', SCAN_USAGE, io, () => runScanCommand(args, io));
}
