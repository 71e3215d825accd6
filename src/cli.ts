#!/usr/bin/env node
// claude-api-watch: the extension's detection core from a terminal.
import { ExitCode, runCommand, type CliIo } from './cli/common';
import { DOCTOR_USAGE, runDoctorCommand } from './cli/doctor';
import { HEALTH_USAGE, runHealthCommand } from './cli/health';
import { HISTORY_USAGE, runHistoryCommand } from './cli/history';
import { REPORT_USAGE, runReportCommand } from './cli/report';
import { runScanCommand, SCAN_USAGE } from './cli/scan';
import { runWatchCommand, WATCH_USAGE } from './cli/watch';

/** Every command, its usage and how it runs: each ends through `runCommand` (exit 2 with the usage for bad flags). */
const COMMANDS: Record<string, { usage: string; run(args: string[], io: CliIo): Promise<number> }> = {
  scan: { usage: SCAN_USAGE, run: runScanCommand },
  watch: {
    usage: WATCH_USAGE,
    run: (args, io) => {
      const interrupted = new AbortController();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());
      return runWatchCommand(args, io, interrupted.signal);
    },
  },
  report: { usage: REPORT_USAGE, run: runReportCommand },
  health: { usage: HEALTH_USAGE, run: runHealthCommand },
  history: { usage: HISTORY_USAGE, run: runHistoryCommand },
  doctor: { usage: DOCTOR_USAGE, run: runDoctorCommand },
};

const USAGE = `Usage: claude-api-watch <command> [options]

Commands:
  scan     every Claude Code API failure and retry found in the transcripts
  watch    follow the transcripts as the editor does: each change of state, until interrupted
  report   a complete bug report for a failure (Markdown, GitHub issue URL or JSON)
  health   is it me or Anthropic? Check the API and Anthropic's status page
  history  failures per hour or day and each outage, beside Anthropic's incidents
  doctor   diagnostics: config dirs, watching, versions, unreadable lines, what applies

Run 'claude-api-watch <command> --help' for a command's options.
Exit codes: 0 ok, 1 the config dir cannot be read or nothing to report, 2 bad usage.`;

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(withNewline(text)),
    stderr: (text) => process.stderr.write(withNewline(text)),
    env: process.env,
    now: () => new Date(),
  };
  const [command, ...args] = argv;
  const entry = command !== undefined ? COMMANDS[command] : undefined;
  if (entry && Object.hasOwn(COMMANDS, command)) return runCommand(command, entry.usage, io, () => entry.run(args, io));
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  io.stderr(`claude-api-watch: unknown command '${command}'\n\n${USAGE}`);
  return ExitCode.usage;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

// `scan --json | head`: the reader left, as `grep | head` does, end quietly with 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
    throw error;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
