// Checks the packaged .vsix: every file in it is on the allow-list (the same one .vscodeignore states),
// the bundles carry no source maps, and the package stays within its size budget.
// Usage: node scripts/package-check.mjs [path/to/extension.vsix]   (default: <name>-<version>.vsix)
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const SIZE_BUDGET_BYTES = 1024 * 1024;
const WEBVIEW_SCRIPT_BUDGET_BYTES = 250 * 1024;

// vsce's own files, then the extension's files under extension/ (vsce renames a bare LICENSE to LICENSE.txt).
const ALLOWED_ENTRIES = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/dist\/extension\.js$/,
  /^extension\/dist\/cli\.js$/,
  // Lazy modules (scripts/build.mjs): one file each, loaded on first use.
  /^extension\/dist\/lazy\/[A-Za-z0-9_-]+\.js$/,
  // Webview panels: one script and one stylesheet each.
  /^extension\/dist\/webview\/[A-Za-z0-9_-]+\.(js|css)$/,
  /^extension\/media\/icon\.png$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls\.json$/,
  /^extension\/README\.md$/i,
  /^extension\/CHANGELOG\.md$/i,
  /^extension\/LICENSE(\.txt)?$/i,
];

/** Reads a zip's central directory: name, sizes and where each entry's data starts. */
export function listZipEntries(zip) {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const entryCount = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const entries = [];
  for (let i = 0; i < entryCount; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({ name, method, compressedSize, size, localHeader });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The uncompressed bytes of one entry (stored or deflated, the two methods vsce writes). */
export function readZipEntry(zip, entry) {
  const dataStart = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(dataStart, dataStart + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
}

function main() {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const vsixPath = path.resolve(process.argv[2] ?? path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`));
  const zip = readFileSync(vsixPath);
  const entries = listZipEntries(zip);
  const problems = [];

  for (const entry of entries) {
    const allowed = ALLOWED_ENTRIES.some((pattern) => pattern.test(entry.name));
    console.log(`${allowed ? '  ok ' : ' BAD '} ${entry.name} (${entry.size} B)`);
    if (!allowed) problems.push(`${entry.name} is not on the allow-list`);
    if (/^extension\/dist\/webview\/.+\.js$/.test(entry.name) && entry.size > WEBVIEW_SCRIPT_BUDGET_BYTES) {
      problems.push(`${entry.name} is over the ${WEBVIEW_SCRIPT_BUDGET_BYTES / 1024} KB budget of a webview script`);
    }
    if (allowed && entry.name.endsWith('.js') && /\/[/*][#@] sourceMappingURL=/.test(readZipEntry(zip, entry).toString('utf8'))) {
      problems.push(`${entry.name} references a source map (build with --production)`);
    }
  }
  for (const required of ['extension/package.json', `extension/${manifest.main.replace(/^\.\//, '')}`]) {
    if (!entries.some((entry) => entry.name === required)) problems.push(`${required} is missing`);
  }

  const size = statSync(vsixPath).size;
  const percent = ((size / SIZE_BUDGET_BYTES) * 100).toFixed(1);
  console.log(`${path.basename(vsixPath)}: ${entries.length} files, ${(size / 1024).toFixed(1)} KB of the ${SIZE_BUDGET_BYTES / 1024} KB budget (${percent}%)`);
  if (size > SIZE_BUDGET_BYTES) problems.push(`the package is over its ${SIZE_BUDGET_BYTES / 1024} KB budget`);

  for (const problem of problems) console.error(`package check: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
  else console.log('package check passed');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
