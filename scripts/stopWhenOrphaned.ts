// `npm start` runs as npm → sh -c → node. A process manager or an IDE's stop button signals npm's own
// pid: npm passes SIGINT/SIGTERM on to the shell, which dies of it without passing it on, and node
// (with code-server in a process group of its own) would run on under init. So node watches its
// parent: once the process that started it is gone, it stops as on Ctrl-C.

/** Calls `stop` once when this process's parent has gone (its parent pid changed); returns a cancel function. */
export function stopWhenOrphaned(stop: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, intervalMs);
  // Never what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
