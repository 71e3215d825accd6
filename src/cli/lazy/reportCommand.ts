// `claude-api-watch report`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import { runCommand, type CliIo } from '../common';
import { runReportCommand, REPORT_USAGE } from '../report';

export function run(args: string[], io: CliIo): Promise<number> {
  return runCommand('report', REPORT_USAGE, io, () => runReportCommand(args, io));
}
