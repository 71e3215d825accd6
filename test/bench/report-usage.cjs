// Preloaded with `node -r` by the bench: reports the process's peak RSS and CPU time on exit, so the
// real CLI is measured without changing it.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`bench-usage maxRSS_KB=${usage.maxRSS} cpu_us=${usage.userCPUTime + usage.systemCPUTime}\n`);
});
