// Permission bits do not stop root, and these tests often run as root (CI containers). To produce
// EACCES there, act as `nobody` for a while: the effective uid and gid change for every thread of
// the process (the thread pool's file calls included) and are restored afterwards.
export const NOBODY = 65534;

/** Whether `asUnprivileged` really drops privileges here (root on a POSIX system). */
export const canDropRoot = process.getuid?.() === 0 && typeof process.seteuid === 'function';

/**
 * Runs `fn` as `nobody` when running as root, else as the current user (whose permission bits
 * already apply). Paths `fn` creates must live in folders `nobody` can write (make them inside).
 */
export async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (!canDropRoot) return fn();
  const groups = process.getgroups!();
  process.setgroups!([]);
  process.setegid!(NOBODY);
  process.seteuid!(NOBODY);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
    process.setgroups!(groups);
  }
}
