// Paths written by Claude Code may come from another OS (Remote-SSH from Windows, a copied
// transcript): helpers here read both `/` and `\` as separators, whatever this machine uses.

/** The last part of a POSIX or Windows path (`C:\Users\me\shop` → `shop`), or '' for a root. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part.length > 0);
  return parts.length > 0 ? parts[parts.length - 1] : '';
}
