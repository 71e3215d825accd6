// `claude-api-watch doctor`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
import { runCommand, type CliIo } from '../common';
import { runDoctorCommand, DOCTOR_USAGE } from '../doctor';

export function run(args: string[], io: CliIo): Promise<number> {
  return runCommand('doctor', DOCTOR_USAGE, io, () => runDoctorCommand(args, io));
}
