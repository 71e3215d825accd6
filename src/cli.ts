#!/usr/bin/env node
// claude-api-watch: the extension's detection core from a terminal.
import { ExitCode, terminalText, type CliIo } from './cli/common';

/**
 * Every command is a lazy module (scripts/build.mjs): `--help` loads this file alone, and each
 * command only its own code. Each ends through `runCommand` (exit 2 with its usage for bad flags).
 */
const COMMANDS: Record<string, () => Promise<{ run(args: string[], io: CliIo): Promise<number> }>> = {
  scan: () => import('./cli/lazy/scanCommand.js'),
  watch: () => import('./cli/lazy/watchCommand.js'),
  report: () => import('./cli/lazy/reportCommand.js'),
  health: () => import('./cli/lazy/healthCommand.js'),
  history: () => import('./cli/lazy/historyCommand.js'),
  doctor: () => import('./cli/lazy/doctorCommand.js'),
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
    // Every line through the one sanitiser: nothing from a transcript or a file name acts on the terminal.
    stdout: (text) => stdio('stdout').write(withNewline(terminalText(text))),
    stderr: (text) => stdio('stderr').write(withNewline(terminalText(text))),
    env: process.env,
    now: () => new Date(),
  };
  const [command, ...args] = argv;
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) {
    if (command !== 'watch') tierUpLater();
    return (await COMMANDS[command]()).run(args, io);
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  io.stderr(`claude-api-watch: unknown command '${command}'\n\n${USAGE}`);
  return ExitCode.usage;
}

/**
 * For a command that reads and ends (all but `watch`, which runs for days): V8 waits about 15 times
 * longer than usual before compiling a function with its optimizing compiler. A scan's heavy work
 * is in C++ (reads, searches, JSON.parse), and its own functions run a few thousand times each:
 * compiling them cost more than it saved. `scan` of a heavy user's month (1,200 files, 410 MB,
 * 2,900 events) took a quarter less CPU, of the 1 GB sparse corpus a tenth less (paired runs). A
 * long scan still gets its hottest functions compiled.
 */
function tierUpLater(): void {
  process.getBuiltinModule('node:v8').setFlagsFromString('--interrupt-budget=1048576');
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : text + '\n';
}

const guarded = new Set<'stdout' | 'stderr'>();

/**
 * `process.stdout` or `process.stderr`, made on first use: each is a stream Node builds when it is
 * first touched (a pipe's loads the net module), about 1.5 ms of a command that never writes to it.
 */
function stdio(name: 'stdout' | 'stderr'): NodeJS.WriteStream {
  const stream = process[name];
  if (!guarded.has(name)) {
    guarded.add(name);
    // `scan --json | head`: the reader left, as `grep | head` does, end quietly with 0.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(ExitCode.ok);
      throw error;
    });
  }
  return stream;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Once nothing is left to do (the output written, the workers gone), end at once: Node's own
  // teardown of the heap takes a few milliseconds of every one-shot command.
  process.once('beforeExit', () => process.exit());
});
