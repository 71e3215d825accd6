// Which sessions count for this window: those whose cwd lies inside an open workspace folder.
// Paths come from Claude Code (its `cwd`) and from the editor, possibly written differently on
// Windows: compare them normalised, case-insensitively where the file system is.
import * as path from 'node:path';

export function normalizeForComparison(p: string, platform: NodeJS.Platform): string {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  let normalized = pathApi.normalize(platform === 'win32' ? p.replace(/\//g, '\\') : p);
  if (normalized.length > 1 && /[\\/]$/.test(normalized) && !/^[A-Za-z]:\\$/.test(normalized)) {
    normalized = normalized.slice(0, -1);
  }
  return platform === 'win32' || platform === 'darwin' ? normalized.toLowerCase() : normalized;
}

export function isPathInside(child: string, parent: string, platform: NodeJS.Platform): boolean {
  const sep = platform === 'win32' ? '\\' : '/';
  const c = normalizeForComparison(child, platform);
  const p = normalizeForComparison(parent, platform);
  return c === p || c.startsWith(p.endsWith(sep) ? p : p + sep);
}

/** True when the session counts: no folders open, or its cwd is inside one of them. */
export function isCwdInScope(cwd: string | null, folders: readonly string[], platform: NodeJS.Platform): boolean {
  if (folders.length === 0) return true;
  if (!cwd) return false;
  return folders.some((folder) => isPathInside(cwd, folder, platform));
}
