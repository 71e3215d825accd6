// The history panel's page outside the editor: the built webview (dist/webview) in Chromium, with a
// stand-in for the editor's webview API. The bench times its first paint with it.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/core/history/panelHtml';
import type { PanelData } from '../../src/core/history/panelProtocol';

// __filename, not __dirname: loaded from an ES module through tsx, __dirname is not the file's folder.
const WEBVIEW = path.resolve(path.dirname(__filename), '..', '..', 'dist', 'webview');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface PanelPage {
  page: Page;
  /** Posts `data` as the extension does and resolves when the browser has painted it: ms in the page from the message to that frame. */
  paint(data: PanelData): Promise<number>;
  close(): Promise<void>;
}

/** Opens the panel page at `width`×`height`; `css` is added to the page (a theme's --vscode-* variables). */
export async function openPanelPage(options: { width?: number; height?: number; css?: string; bodyClass?: string } = {}): Promise<PanelPage> {
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: options.width ?? 930, height: options.height ?? 700 } });
  await page.addInitScript(`window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.__posted = window.__posted || []).push(m), getState: () => undefined, setState: () => {} });`);
  const html = panelHtml({
    cspSource: 'file:',
    script: pathToFileURL(path.join(WEBVIEW, 'history.js')).href,
    style: pathToFileURL(path.join(WEBVIEW, 'history.css')).href,
    nonce: 'bench',
    range: '30d',
    scope: 'all',
  })
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
    .replace('<body', `<style>${options.css ?? ''}</style><body class="${options.bodyClass ?? ''}"`);
  // Beside the bundle (file: pages load file: scripts), kept until close so the page can be reloaded.
  const file = path.join(WEBVIEW, `.panel-page-${process.pid}.html`);
  await writeFile(file, html);
  await page.goto(pathToFileURL(file).href);
  return {
    page,
    paint: (data) =>
      // As a string, parsed in the page: the time is the page's own (parse, the message's structured
      // clone, drawing, the next frame), not the test driver's transport.
      page.evaluate(
        (json) =>
          new Promise<number>((resolve) => {
            const started = performance.now();
            window.postMessage({ type: 'history', data: JSON.parse(json) as unknown }, '*');
            // The frame after the one the message was drawn in has been painted.
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
          }),
        JSON.stringify(data),
      ),
    close: async () => {
      await browser.close();
      await rm(file, { force: true });
    },
  };
}
