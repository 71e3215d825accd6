#!/usr/bin/env node
// claude-api-watch: the extension's detection core from a terminal.
import { ExitCode, type CliIo } from './cli/common';
import { runDoctorCommand } from './cli/doctor';
import { runHealthCommand } from './cli/health';
import { runHistoryCommand } from './cli/history';
import { runReportCommand } from './cli/report';
import { runScanCommand } from './cli/scan';
import { runWatchCommand } from './cli/watch';

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
  try {
    switch (command) {
      case 'scan':
        return await runScanCommand(args, io);
      case 'watch': {
        const interrupted = new AbortController();
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());
        return await runWatchCommand(args, io, interrupted.signal);
      }
      case 'report':
        return await runReportCommand(args, io);
      case 'health':
        return await runHealthCommand(args, io);
      case 'history':
        return await runHistoryCommand(args, io);
      case 'doctor':
        return await runDoctorCommand(args, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? ExitCode.usage : ExitCode.ok;
      default:
        io.stderr(`claude-api-watch: unknown command '${command}'\n\n${USAGE}`);
        return ExitCode.usage;
    }
  } catch (error) {
    // Each command reports its own usage errors and failures (runCommand): this is a bug of ours.
    io.stderr(`claude-api-watch ${command}: ${(error as Error).stack ?? String(error)}`);
    return ExitCode.failure;
  }
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
