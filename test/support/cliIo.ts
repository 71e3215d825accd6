// A CliIo that keeps what a command prints, for tests that call a command in-process.
import type { CliIo } from '../../src/cli/common';

export function captureIo(env: Record<string, string | undefined> = {}, now = new Date()): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, now: () => now };
}
