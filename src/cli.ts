#!/usr/bin/env node
// claude-api-watch: the detection core from a terminal.
function main(argv: string[]): number {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log('Usage: claude-api-watch <scan|watch|report|health> [options]');
    return 0;
  }
  console.error(`claude-api-watch: unknown command '${command}'. Try --help.`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
