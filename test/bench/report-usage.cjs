// Preloaded with `node -r` by the bench: reports the process's peak RSS and CPU time (all its
// threads) on exit, so the real CLI is measured without changing it. Worker threads inherit the
// preload: only the main thread reports.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload */
/* global require */
if (require('node:worker_threads').isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    process.stderr.write(`bench-usage maxRSS_KB=${usage.maxRSS} cpu_us=${usage.userCPUTime + usage.systemCPUTime}\n`);
  });
}
