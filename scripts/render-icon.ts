// Renders media/icon.svg to media/icon.png (256×256, transparent outside the tile) with headless Chromium:
// the Marketplace and vsce refuse SVG icons. Run after editing the SVG, then commit both files.
// Usage: node --import tsx scripts/render-icon.ts [--chromium /path/to/chromium]   (default: Debian's /usr/bin/chromium)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, repoRoot } from '../test/e2e/harness';

const ICON_SIZE = 256;
const svgPath = path.join(repoRoot, 'media', 'icon.svg');
const pngPath = path.join(repoRoot, 'media', 'icon.png');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { chromium: { type: 'string', default: CHROMIUM_PATH } } });
  const svg = await readFile(svgPath, 'utf8');
  const browser = await chromium.launch({ executablePath: values.chromium, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: ICON_SIZE, height: ICON_SIZE }, deviceScaleFactor: 1 });
    // The SVG scaled to fill the page; the page itself stays transparent for omitBackground.
    const html = `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${ICON_SIZE}px;height:${ICON_SIZE}px}</style>${svg}`;
    await page.setContent(html);
    await page.screenshot({ path: pngPath, omitBackground: true, clip: { x: 0, y: 0, width: ICON_SIZE, height: ICON_SIZE } });
    console.log(`Wrote ${path.relative(repoRoot, pngPath)} (${ICON_SIZE}×${ICON_SIZE})`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
