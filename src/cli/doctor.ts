// `doctor`: why the monitor sees what it sees (config dirs, watching, versions, unknown shapes,
// whether the status page applies), as redacted Markdown or as JSON.
import * as os from 'node:os';
import { renderDoctorMarkdown, runDiagnostics } from '../core/doctor';
import { configDirsFor, ExitCode, parseFlags, sinceFlag, type CliIo, PERIOD_FLAGS, runCommand } from './common';

export const DOCTOR_USAGE = `Usage: claude-api-watch doctor [--config-dir DIR] [--since 30m|24h|7d] [--json]

Diagnostics: the config dirs and how each was chosen, how they are watched (and on Linux the
inotify watch limit), transcripts found and entries skipped, the newest Claude Code versions seen,
when the last line was written, failures and retries by class since --since (default 24h), error
lines this release cannot read (their key skeletons, no values), and whether Anthropic's status
page and the health check apply. Markdown, redacted, ready to paste into an issue; or --json.`;

export function runDoctorCommand(args: string[], io: CliIo): Promise<number> {
  return runCommand('doctor', DOCTOR_USAGE, io, () => doctorCommand(args, io));
}

async function doctorCommand(args: string[], io: CliIo): Promise<number> {
  const flags = parseFlags(args, PERIOD_FLAGS);
  if (flags.help) {
    io.stdout(DOCTOR_USAGE);
    return ExitCode.ok;
  }
  const now = io.now();
  const sinceMs = sinceFlag(flags.since ?? '24h', now.getTime());

  const homedir = io.env.HOME || io.env.USERPROFILE || os.homedir();
  const report = await runDiagnostics({
    configDirs: configDirsFor(flags['config-dir'], io.env),
    explicitSource: flags['config-dir'] === undefined ? null : '--config-dir',
    env: io.env,
    homedir,
    platform: process.platform,
    now,
    lookbackMs: sinceMs === null ? now.getTime() : now.getTime() - sinceMs,
  });
  if (flags.json) io.stdout(JSON.stringify(report, null, 2));
  else io.stdout(await renderDoctorMarkdown(report, { homedir, username: io.env.USER || io.env.USERNAME || io.env.LOGNAME }));
  // As the other commands: 1 when no config dir can be read.
  return report.configDirs.some((dir) => dir.state === 'ok' || dir.state === 'no projects folder') ? ExitCode.ok : ExitCode.failure;
}
