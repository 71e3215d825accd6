// The history panel's page: the skeleton the webview script (src/webview/history/main.ts) fills in.
// Pure, so the bench can load the same page in a browser; the editor passes its URIs and `l10n.t`.
import type { PanelRange, PanelScope } from './panelProtocol';

export interface PanelHtmlInput {
  /** The webview's `cspSource`, and the URIs of the script and the style sheet as it loads them. */
  cspSource: string;
  script: string;
  style: string;
  nonce: string;
  /** What the panel opens on (the script keeps what the user chose since, across reloads). */
  range: PanelRange;
  scope: PanelScope;
  t?: (text: string) => string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function panelHtml(input: PanelHtmlInput): string {
  const t = (text: string) => escape(input.t ? input.t(text) : text);
  const csp = [`default-src 'none'`, `img-src ${input.cspSource} data:`, `style-src ${input.cspSource}`, `font-src ${input.cspSource}`, `script-src 'nonce-${input.nonce}'`].join('; ');
  const pressed = (on: boolean) => `aria-pressed="${on}"`;
  const range = (value: PanelRange, label: string) => `<button type="button" data-range="${value}" ${pressed(input.range === value)}>${label}</button>`;
  const scope = (value: PanelScope, label: string) => `<button type="button" data-scope="${value}" ${pressed(input.scope === value)}>${t(label)}</button>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escape(input.style)}">
<title>${t('Claude API History')}</title>
</head>
<body data-range="${input.range}" data-scope="${input.scope}">
<header>
  <h1>${t('Claude API History')}</h1>
  <div class="group" role="group" aria-label="${t('Time range')}">${range('24h', '24 h')}${range('7d', '7 d')}${range('30d', '30 d')}</div>
  <div class="group" role="group" aria-label="${t('Sessions')}">${scope('workspace', 'This workspace')}${scope('all', 'All sessions')}</div>
  <button type="button" id="copy-summary" data-action="copySummary" disabled>${t('Copy Summary')}</button>
</header>
<p id="progress" role="status"></p>
<div id="notice" role="alert" hidden><p id="notice-text"></p><button type="button" id="notice-action"></button></div>
<section id="content" hidden>
<dl id="summary"></dl>
<p id="status-line"></p>
<div id="chart">
  <div id="incidents" role="group" aria-label="${t("Anthropic's incidents")}"></div>
  <svg id="plot" role="img" aria-labelledby="chart-text"></svg>
</div>
<p id="chart-text" class="sr-only"></p>
<p id="chart-hint" aria-live="polite"></p>
<ul id="legend" aria-label="${t('Legend')}"></ul>
<h2>${t('Episodes')}</h2>
<table id="episodes">
  <caption class="sr-only">${t('Episodes, newest first')}</caption>
  <thead><tr><th scope="col" class="when">${t('Start')}</th><th scope="col" class="duration">${t('Duration')}</th><th scope="col">${t('What happened')}</th><th scope="col" class="verdict">${t('Is it me or Anthropic?')}</th><th scope="col" class="actions">${t('Actions')}</th></tr></thead>
  <tbody id="episodes-body"></tbody>
</table>
</section>
<script nonce="${input.nonce}" src="${escape(input.script)}"></script>
</body>
</html>`;
}
