// `claude-api-watch history`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import { runCommand, type CliIo } from '../common';
import { runHistoryCommand, HISTORY_USAGE } from '../history';

export function run(args: string[], io: CliIo): Promise<number> {
  return runCommand('history', HISTORY_USAGE, io, () => runHistoryCommand(args, io));
}
