/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The history panel's script, run inside the webview (a browser page, no Node): draws the chart
// with uPlot, the summary, the text for screen readers and the table of episodes from the
// extension's `history` message, and asks the extension for everything else (copy, open, ranges).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './history.css';
import { CLASS_COLORS, parseHostMessage, type PanelData, type PanelEpisode, type PanelRange, type PanelScope, type WebviewMessage } from '../../core/history/panelProtocol';
import { FAILURE_CLASSES, type FailureClass } from '../../core/types';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { range?: PanelRange; scope?: PanelScope } | undefined;
let range: PanelRange = saved?.range ?? '7d';
let scope: PanelScope = saved?.scope ?? 'workspace';
let current: PanelData | null = null;
let plot: uPlot | null = null;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const post = (message: WebviewMessage) => vscode.postMessage(message);

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: Array<Node | string> = []): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const CLASS_LABELS: Record<FailureClass, string> = {
  server: 'server (5xx)',
  overloaded: 'overloaded (529)',
  rate_limit: 'rate limit',
  auth: 'auth',
  client: 'client (4xx)',
  network: 'network',
  unknown: 'unknown',
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function counts(record: Record<string, number | undefined>): string {
  return Object.entries(record)
    .filter(([, n]) => n)
    .map(([key, n]) => `${key} ×${n}`)
    .join(', ');
}

// ---- controls --------------------------------------------------------------------------------

function setPressed(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) button.setAttribute('aria-pressed', String(button.dataset.range === range));
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-scope]')) button.setAttribute('aria-pressed', String(button.dataset.scope === scope));
  vscode.setState({ range, scope });
}

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('button, a[data-episode]');
  if (!target) return;
  const { range: newRange, scope: newScope, action, episode, text } = target.dataset;
  if (newRange) {
    range = newRange as PanelRange;
    setPressed();
    post({ type: 'setRange', range });
  } else if (newScope) {
    scope = newScope as PanelScope;
    setPressed();
    post({ type: 'setScope', scope });
  } else if (action === 'copyText' && text) {
    post({ type: 'copyText', text });
  } else if ((action === 'copyReport' || action === 'openTranscript' || action === 'openIncident') && episode !== undefined) {
    event.preventDefault();
    post({ type: action, episode: Number(episode) });
  }
});

// ---- rendering -------------------------------------------------------------------------------

function renderSummary(data: PanelData): void {
  const s = data.summary;
  const figures: Array<[string, string]> = [
    ['Failures', String(s.failures)],
    ['Retries', String(s.retries)],
    ['Outages', String(s.outages)],
    ['Longest outage', s.longestOutageText ?? '—'],
    ['Hours with failures', String(s.hoursWithFailures)],
    ['Most common class', s.mostCommonClass ? CLASS_LABELS[s.mostCommonClass] : '—'],
    ['Claude Code versions', s.versions.join(', ') || '—'],
  ];
  $('summary').replaceChildren(...figures.map(([label, value]) => element('div', { className: 'figure' }, [element('dt', { textContent: label }), element('dd', { textContent: value })])));
  $('status-line').textContent = data.statusLine;
  const rangeText = { '24h': 'the last 24 hours', '7d': 'the last 7 days', '30d': 'the last 30 days' }[data.range];
  const busiest = [...data.buckets].sort((a, b) => total(b.failures) - total(a.failures))[0];
  $('chart-text').textContent =
    `In ${rangeText} (${data.scope === 'all' ? 'all sessions' : 'this workspace'}): ${plural(s.failures, 'failure', 'failures')}, ` +
    `${plural(s.retries, 'retry', 'retries')}, ${plural(data.episodes.length, 'episode', 'episodes')}, ${plural(s.outages, 'outage', 'outages')}. ` +
    (busiest && total(busiest.failures) > 0 ? `Most failures in one ${data.bucket}: ${total(busiest.failures)} (${busiest.label}). ` : '') +
    data.statusLine;
}

function total(classes: Partial<Record<FailureClass, number>>): number {
  return Object.values(classes).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

function renderChart(data: PanelData): void {
  const host = $('chart');
  const classes = FAILURE_CLASSES.filter((c) => data.buckets.some((b) => b.failures[c]));
  const xs = data.buckets.map((b) => b.start / 1000);
  // Stacked bars: each series is the sum of its class and the ones below; drawn tallest first.
  const stacks: number[][] = [];
  let running = data.buckets.map(() => 0);
  for (const c of classes) {
    running = running.map((sum, i) => sum + (data.buckets[i].failures[c] ?? 0));
    stacks.push(running);
  }
  const retries = data.buckets.map((b) => b.retries);
  const foreground = cssVar('--vscode-foreground', '#888');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const bucketSeconds = data.bucket === 'hour' ? 3600 : 86_400;
  const bars = uPlot.paths.bars?.({ size: [0.8, 60], align: 1 });
  const series: uPlot.Series[] = [{ label: 'Time' }];
  for (let i = classes.length - 1; i >= 0; i--) {
    const color = cssVar(CLASS_COLORS[classes[i]], '#c33');
    series.push({ label: CLASS_LABELS[classes[i]], stroke: color, fill: color, paths: bars, points: { show: false }, scale: 'n' });
  }
  const retryColor = cssVar('--vscode-charts-blue', '#39f');
  series.push({ label: 'retries', stroke: retryColor, width: 2, dash: [4, 3], points: { show: true, size: 5, stroke: retryColor, fill: retryColor }, scale: 'n' });
  const values: uPlot.AlignedData = [xs, ...[...stacks].reverse(), retries];
  const episodeShade = cssVar('--vscode-editor-selectionBackground', 'rgba(128,128,128,0.25)');
  const impactColor = (impact: string) =>
    cssVar(impact === 'critical' || impact === 'major' ? '--vscode-charts-red' : impact === 'minor' ? '--vscode-charts-yellow' : '--vscode-charts-foreground', '#c33');
  const options: uPlot.Options = {
    width: Math.max(300, host.clientWidth),
    height: 260,
    series,
    scales: { x: { time: true, range: [data.since / 1000, data.until / 1000 + bucketSeconds / 2] }, n: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
      { scale: 'n', stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
    ],
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      drawClear: [
        (u) => {
          const ctx = u.ctx;
          const { top, height } = u.bbox;
          ctx.save();
          ctx.fillStyle = episodeShade;
          for (const episode of data.episodes) {
            const x0 = u.valToPos(episode.start / 1000, 'x', true);
            const x1 = Math.max(x0 + 3, u.valToPos(episode.end / 1000, 'x', true));
            ctx.fillRect(x0, top, x1 - x0, height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const ctx = u.ctx;
          const { top } = u.bbox;
          ctx.save();
          for (const incident of data.incidents) {
            const x0 = Math.max(u.bbox.left, u.valToPos(incident.start / 1000, 'x', true));
            const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos((incident.end ?? data.until) / 1000, 'x', true));
            ctx.fillStyle = impactColor(incident.impact);
            ctx.fillRect(x0, top, Math.max(3, x1 - x0), 6 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
      setCursor: [
        (u) => {
          const left = u.cursor.left ?? -1;
          const hint = $('chart-hint');
          if (left < 0) {
            hint.textContent = '';
            return;
          }
          const at = u.posToVal(left, 'x') * 1000;
          const names = data.incidents.filter((i) => i.start <= at && (i.end ?? data.until) >= at).map((i) => `Anthropic incident: ${i.name} (${i.impact})`);
          const episodes = data.episodes.filter((e) => e.start <= at + bucketSeconds * 500 && e.end >= at - bucketSeconds * 500).map((e) => `${e.family} episode ${e.startLocal}, ${e.duration}`);
          hint.textContent = [...names, ...episodes].join(' · ');
        },
      ],
    },
  };
  plot?.destroy();
  host.replaceChildren();
  plot = new uPlot(options, values, host);
  const failures = data.buckets.reduce((sum, b) => sum + total(b.failures), 0);
  const retryCount = retries.reduce((sum, n) => sum + n, 0);
  Object.assign(host.dataset, { failures: String(failures), retries: String(retryCount), episodes: String(data.episodes.length), incidents: String(data.incidents.length) });
  post({ type: 'drawn', failures, retries: retryCount, episodes: data.episodes.length, incidents: data.incidents.length });
}

function incidentCell(episode: PanelEpisode): HTMLElement {
  if (episode.incident) {
    const link = element('a', { href: '#', textContent: `${episode.incident.name} (${episode.incident.impact})`, title: episode.incident.url ?? '' });
    link.dataset.action = 'openIncident';
    link.dataset.episode = String(episode.id);
    return element('td', {}, [link]);
  }
  return element('td', { textContent: episode.incidentChecked ? 'not on the status page' : '—' });
}

function button(label: string, data: Record<string, string>, title?: string): HTMLButtonElement {
  const node = element('button', { type: 'button', textContent: label, title: title ?? label });
  Object.assign(node.dataset, data);
  return node;
}

function renderTable(data: PanelData): void {
  const rows = [...data.episodes].reverse().map((episode) => {
    const ids = element('td', { className: 'ids' }, episode.requestIds.length ? episode.requestIds.map((id) => button(id, { action: 'copyText', text: id }, `Copy ${id}`)) : ['—']);
    const row = element('tr', {}, [
      element('td', {}, [episode.startLocal, element('br'), element('span', { className: 'muted', textContent: `${episode.startUtc} UTC` })]),
      element('td', { textContent: episode.duration }),
      element('td', { textContent: `${episode.failures} / ${episode.retries}` }),
      element('td', { textContent: String(episode.sessions) }),
      element('td', { textContent: [episode.family, counts(episode.classes), counts(episode.statuses)].filter(Boolean).join('; ') }),
      element('td', { textContent: episode.versions.join(', ') || '—' }),
      ids,
      incidentCell(episode),
      element('td', { className: 'actions' }, [
        button('Copy Bug Report', { action: 'copyReport', episode: String(episode.id) }),
        button('Open Transcript', { action: 'openTranscript', episode: String(episode.id) }),
      ]),
    ]);
    row.dataset.family = episode.family;
    return row;
  });
  $('episodes-body').replaceChildren(...rows);
  $('episodes-empty').hidden = rows.length > 0;
  $('episodes').hidden = rows.length === 0;
}

function render(data: PanelData): void {
  current = data;
  range = data.range;
  scope = data.scope;
  setPressed();
  $('progress').textContent = '';
  $('range-label').textContent = `Times in ${data.timeZone}; one bar per ${data.bucket}.`;
  renderSummary(data);
  renderChart(data);
  renderTable(data);
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'history') render(message.data);
  else $('progress').textContent = message.text;
});

new ResizeObserver(() => {
  if (plot) plot.setSize({ width: Math.max(300, $('chart').clientWidth), height: 260 });
}).observe($('chart'));
// A theme change repaints the chart with the new colours.
new MutationObserver(() => current && renderChart(current)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

setPressed();
post({ type: 'ready', range, scope });
