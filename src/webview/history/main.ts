/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The history panel's script, run inside the webview (a browser page, no Node): draws the chart as
// SVG (colours are the theme's CSS variables, so a theme change needs no redraw), the incident band
// as buttons (keyboard and screen readers reach them), the legend, the summary and the table of
// episodes from the extension's `history` message, and asks the extension for everything else.
import './history.css';
import {
  parseHostMessage,
  type PanelAction,
  type PanelBucket,
  type PanelData,
  type PanelEpisode,
  type PanelIncident,
  type PanelRange,
  type PanelScope,
  type WebviewMessage,
} from '../../core/history/panelProtocol';
import { FAILURE_CLASSES, type FailureClass } from '../../core/types';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { range?: PanelRange; scope?: PanelScope } | undefined;
// What the user chose in this panel, else what the extension opened it on (the setting).
let range = (saved?.range ?? document.body.dataset.range ?? '7d') as PanelRange;
let scope = (saved?.scope ?? document.body.dataset.scope ?? 'workspace') as PanelScope;
let current: PanelData | null = null;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const post = (message: WebviewMessage) => vscode.postMessage(message);
const SVG = 'http://www.w3.org/2000/svg';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, children: Array<Node | string> = []): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

function svg(tag: string, attributes: Record<string, string | number>, children: Array<Node | string> = []): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

const CLASS_LABELS: Record<FailureClass, string> = {
  server: 'server error (5xx)',
  overloaded: 'overloaded (529)',
  rate_limit: 'rate limit (429)',
  auth: 'login',
  client: 'rejected (4xx)',
  network: 'network',
  unknown: 'unrecognised',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const total = (classes: Partial<Record<FailureClass, number>>) => Object.values(classes).reduce<number>((sum, n) => sum + (n ?? 0), 0);

// ---- controls --------------------------------------------------------------------------------

function setPressed(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) button.setAttribute('aria-pressed', String(button.dataset.range === range));
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-scope]')) button.setAttribute('aria-pressed', String(button.dataset.scope === scope));
  vscode.setState({ range, scope });
}

function choose(next: { range?: PanelRange; scope?: PanelScope }): void {
  if (next.range) {
    range = next.range;
    post({ type: 'setRange', range });
  }
  if (next.scope) {
    scope = next.scope;
    post({ type: 'setScope', scope });
  }
  setPressed();
}

let noticeAction: PanelAction | null = null;

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('button, a[data-action]');
  if (!target) return;
  const { range: newRange, scope: newScope, action, episode, incident, text } = target.dataset;
  if (target.tagName === 'A') event.preventDefault();
  if (newRange) choose({ range: newRange as PanelRange });
  else if (newScope) choose({ scope: newScope as PanelScope });
  else if (target.id === 'notice-action' && noticeAction) runNoticeAction(noticeAction);
  else if (action === 'copySummary') post({ type: 'copySummary' });
  else if (action === 'copyText' && text) post({ type: 'copyText', text });
  else if (action === 'openIncidentPage' && incident !== undefined) post({ type: 'openIncidentPage', incident: Number(incident) });
  else if ((action === 'copyReport' || action === 'openTranscript' || action === 'openIncident' || action === 'copyRequestIds') && episode !== undefined) {
    post({ type: action, episode: Number(episode) });
  }
});

function runNoticeAction(action: PanelAction): void {
  if (action.kind === 'setScope') choose({ scope: action.scope });
  else if (action.kind === 'setRange') choose({ range: action.range });
  else post({ type: 'action', action: action.kind });
}

// ---- states ----------------------------------------------------------------------------------

/** One sentence and the button that fixes it, instead of the figures, chart and table. */
function showNotice(text: string, action: PanelAction | null): void {
  noticeAction = action;
  $('progress').textContent = '';
  $('notice-text').textContent = text;
  const button = $<HTMLButtonElement>('notice-action');
  button.hidden = action === null;
  button.textContent = action?.label ?? '';
  $('notice').hidden = false;
  $('content').hidden = true;
}

// ---- summary ---------------------------------------------------------------------------------

function renderSummary(data: PanelData): void {
  const s = data.summary;
  const figures: Array<[string, string]> = [
    ['Failures', String(s.failures)],
    ['Retries', String(s.retries)],
    ['Outages', String(s.outages)],
    ['Longest outage', s.longestOutageText ?? '—'],
    ['Hours with failures', String(s.hoursWithFailures)],
    ['Most common', s.mostCommonClass ? CLASS_LABELS[s.mostCommonClass] : '—'],
    ['Claude Code', s.versions.join(', ') || '—'],
  ];
  $('summary').replaceChildren(...figures.map(([label, value]) => element('div', { className: 'figure' }, [element('dt', { textContent: label }), element('dd', { textContent: value })])));
  $('status-line').textContent = data.statusLine;
  const busiest = [...data.buckets].sort((a, b) => total(b.failures) - total(a.failures))[0];
  $('chart-text').textContent =
    `Chart of ${data.rangeText}, ${data.scopeText}, one bar per ${data.bucket}: ${plural(s.failures, 'failure', 'failures')}, ` +
    `${plural(s.retries, 'retry', 'retries')}, ${plural(data.episodes.length, 'episode', 'episodes')}, ${plural(s.outages, 'outage', 'outages')}. ` +
    (busiest && total(busiest.failures) > 0 ? `Most failures in one ${data.bucket}: ${total(busiest.failures)} (${busiest.title}). ` : '') +
    data.statusLine;
}

// ---- chart -----------------------------------------------------------------------------------

const HEIGHT = 220;
const MARGIN = { left: 36, right: 10, top: 8, bottom: 24 };
/** Narrowest mark: an outage of seconds or an incident of minutes stays visible. */
const MIN_OUTAGE_PX = 5;
const MIN_INCIDENT_PX = 8;

/** 1, 2, 5 × 10^n: a step giving at most `count` grid lines up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = Math.max(1, max / count);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

interface Scale {
  x: (ms: number) => number;
  y: (n: number) => number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function renderChart(data: PanelData): void {
  const plot = $('chart').querySelector('svg') as SVGSVGElement;
  const width = Math.max(320, $('chart').clientWidth);
  const classes = FAILURE_CLASSES.filter((c) => data.buckets.some((b) => b.failures[c]));
  const highest = Math.max(1, ...data.buckets.map((b) => Math.max(total(b.failures), b.retries)));
  const step = niceStep(highest, 4);
  const yMax = Math.ceil(highest / step) * step;
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = HEIGHT - MARGIN.bottom;
  const span = Math.max(1, data.to - data.from);
  const scale: Scale = {
    x: (ms) => left + ((ms - data.from) / span) * (right - left),
    y: (n) => bottom - (n / yMax) * (bottom - top),
    left,
    right,
    top,
    bottom,
  };
  plot.setAttribute('width', String(width));
  plot.setAttribute('height', String(HEIGHT));
  plot.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  // For tests and tools: the time axis in ms and where it is drawn, in CSS pixels of the svg.
  Object.assign(plot.dataset, { from: String(data.from), to: String(data.to), left: String(left), right: String(right) });

  const grid = svg('g', { class: 'grid' });
  for (let n = 0; n <= yMax; n += step) {
    grid.append(svg('line', { x1: left, x2: right, y1: scale.y(n), y2: scale.y(n) }), svg('text', { x: left - 6, y: scale.y(n) + 4, 'text-anchor': 'end' }, [String(n)]));
  }
  const outages = svg('g', { class: 'outages' });
  for (const episode of data.episodes.filter((e) => e.family === 'anthropic')) {
    let x0 = scale.x(episode.start);
    let x1 = scale.x(episode.end);
    if (x1 - x0 < MIN_OUTAGE_PX) {
      const middle = (x0 + x1) / 2;
      [x0, x1] = [middle - MIN_OUTAGE_PX / 2, middle + MIN_OUTAGE_PX / 2];
    }
    outages.append(svg('rect', { class: 'outage', x: x0, width: x1 - x0, y: top, height: bottom - top, 'data-start': episode.start, 'data-end': episode.end }));
  }
  const bars = svg('g', { class: 'bars' });
  const marks = svg('g', { class: 'retries' });
  for (const bucket of data.buckets) {
    const x0 = scale.x(bucket.start);
    const x1 = scale.x(bucket.end);
    let height = 0;
    for (const c of classes) {
      const n = bucket.failures[c] ?? 0;
      if (!n) continue;
      // The bar spans its whole bucket; the gap between bars is the background-coloured stroke.
      bars.append(svg('rect', { class: `bar c-${c}`, x: x0, width: x1 - x0, y: scale.y(height + n), height: scale.y(height) - scale.y(height + n), 'data-start': bucket.start, 'data-end': bucket.end, 'data-class': c }));
      height += n;
    }
    if (bucket.retries) {
      marks.append(svg('circle', { class: 'retry', cx: (x0 + x1) / 2, cy: scale.y(bucket.retries), r: 4, 'data-start': bucket.start, 'data-retries': bucket.retries }));
    }
  }
  const axis = svg('g', { class: 'axis' }, [svg('line', { x1: left, x2: right, y1: bottom, y2: bottom })]);
  // A tick at every bucket boundary; labels under as many buckets as there is room for.
  const bucketPx = (right - left) / Math.max(1, data.buckets.length);
  const labelPx = data.bucket === 'day' ? 46 : 40;
  const stride = Math.max(1, Math.ceil(labelPx / bucketPx));
  data.buckets.forEach((bucket, i) => {
    const x0 = scale.x(bucket.start);
    axis.append(svg('line', { class: 'tick', x1: x0, x2: x0, y1: bottom, y2: bottom + 4, 'data-at': bucket.start }));
    const fromEnd = data.buckets.length - 1 - i;
    if (fromEnd % stride === 0) axis.append(svg('text', { x: (x0 + scale.x(bucket.end)) / 2, y: bottom + 16, 'text-anchor': 'middle' }, [bucket.tick]));
  });
  const hover = svg('rect', { class: 'hover', x: left, width: 0, y: top, height: bottom - top });
  plot.replaceChildren(grid, outages, hover, bars, marks, axis);
  plot.onpointermove = (event) => {
    const bucket = bucketAt(data, scale, event.offsetX);
    if (!bucket) return clearHover(hover);
    hover.setAttribute('x', String(scale.x(bucket.start)));
    hover.setAttribute('width', String(scale.x(bucket.end) - scale.x(bucket.start)));
    $('chart-hint').textContent = bucketHint(data, bucket);
  };
  plot.onpointerleave = () => clearHover(hover);
  renderIncidents(data, scale);

  const failures = data.buckets.reduce((sum, b) => sum + total(b.failures), 0);
  const retries = data.buckets.reduce((sum, b) => sum + b.retries, 0);
  Object.assign($('chart').dataset, { failures: String(failures), retries: String(retries), episodes: String(data.episodes.length), incidents: String(data.incidents.length) });
  post({ type: 'drawn', failures, retries, episodes: data.episodes.length, incidents: data.incidents.length });
}

function bucketAt(data: PanelData, scale: Scale, x: number): PanelBucket | undefined {
  return data.buckets.find((b) => scale.x(b.start) <= x && x < scale.x(b.end));
}

function clearHover(hover: SVGElement): void {
  hover.setAttribute('width', '0');
  $('chart-hint').textContent = '';
}

function bucketHint(data: PanelData, bucket: PanelBucket): string {
  const parts = FAILURE_CLASSES.filter((c) => bucket.failures[c]).map((c) => `${bucket.failures[c]} ${CLASS_LABELS[c]}`);
  if (bucket.retries) parts.push(plural(bucket.retries, 'retry', 'retries'));
  const outages = data.episodes.filter((e) => e.family === 'anthropic' && e.start < bucket.end && e.end >= bucket.start).map((e) => `outage ${e.when} (${e.duration})`);
  const incidents = data.incidents.filter((i) => i.start < bucket.end && (i.end ?? data.until) >= bucket.start).map(incidentLabel);
  return [`${bucket.title}: ${parts.join(', ') || 'no failures'}`, ...outages, ...incidents].join(' · ');
}

function incidentLabel(incident: PanelIncident): string {
  return `Anthropic incident (${incident.impact} impact): ${incident.name}, ${incident.when}`;
}

/** The band over the chart: one button per incident, over its span, coloured by impact, named on it or beside it. */
function renderIncidents(data: PanelData, scale: Scale): void {
  const lane = $('incidents');
  lane.hidden = data.incidents.length === 0;
  const spans = data.incidents.map((incident) => {
    let x0 = Math.max(scale.left, scale.x(incident.start));
    let x1 = Math.min(scale.right, scale.x(incident.end ?? data.until));
    if (x1 - x0 < MIN_INCIDENT_PX) {
      const middle = (x0 + x1) / 2;
      [x0, x1] = [middle - MIN_INCIDENT_PX / 2, middle + MIN_INCIDENT_PX / 2];
    }
    return { incident, x0, x1 };
  });
  const nodes: HTMLElement[] = [];
  for (const { incident, x0, x1 } of spans) {
    const band = element('button', { type: 'button', className: `incident impact-${incident.impact}`, title: incidentLabel(incident) });
    band.setAttribute('aria-label', incidentLabel(incident) + (incident.url ? '. Opens its page on the status site.' : ''));
    Object.assign(band.dataset, { action: 'openIncidentPage', incident: String(incident.id), start: String(incident.start), end: String(incident.end ?? data.until) });
    band.style.left = `${x0}px`;
    band.style.width = `${x1 - x0}px`;
    // The name on the band when it fits, else just after it, up to the next band.
    const next = Math.min(scale.right, ...spans.filter((other) => other.x0 > x0).map((other) => other.x0 - 4));
    const label = element('span', { className: 'incident-label', textContent: incident.name });
    label.setAttribute('aria-hidden', 'true');
    const inside = x1 - x0 >= 120;
    label.style.left = `${inside ? x0 + 4 : x1 + 4}px`;
    label.style.maxWidth = `${Math.max(0, (inside ? x1 - 4 : next) - (inside ? x0 + 4 : x1 + 4))}px`;
    const show = () => {
      $('chart-hint').textContent = incidentLabel(incident);
      for (const row of document.querySelectorAll<HTMLElement>('#episodes-body tr')) row.classList.toggle('matched', incident.episodes.includes(Number(row.dataset.episode)));
    };
    const hide = () => {
      $('chart-hint').textContent = '';
      for (const row of document.querySelectorAll<HTMLElement>('#episodes-body tr.matched')) row.classList.remove('matched');
    };
    band.addEventListener('focus', show);
    band.addEventListener('pointerenter', show);
    band.addEventListener('blur', hide);
    band.addEventListener('pointerleave', hide);
    nodes.push(band, label);
  }
  lane.replaceChildren(...nodes);
}

function renderLegend(data: PanelData): void {
  const items: HTMLElement[] = FAILURE_CLASSES.filter((c) => data.buckets.some((b) => b.failures[c])).map((c) =>
    element('li', {}, [element('span', { className: `swatch c-${c}` }), CLASS_LABELS[c]]),
  );
  if (data.summary.retries) items.push(element('li', {}, [element('span', { className: 'swatch retry' }), 'retries']));
  if (data.summary.outages) items.push(element('li', {}, [element('span', { className: 'swatch outage' }), 'Anthropic outage']));
  for (const impact of ['critical', 'major', 'minor', 'none'] as const) {
    if (data.incidents.some((i) => i.impact === impact)) items.push(element('li', {}, [element('span', { className: `swatch band impact-${impact}` }), `Anthropic incident: ${impact}`]));
  }
  $('legend').replaceChildren(...items);
}

// ---- table -----------------------------------------------------------------------------------

function button(label: string, data: Record<string, string>, ariaLabel?: string): HTMLButtonElement {
  const node = element('button', { type: 'button', textContent: label });
  if (ariaLabel) node.setAttribute('aria-label', ariaLabel);
  Object.assign(node.dataset, data);
  return node;
}

function verdictCell(episode: PanelEpisode): HTMLElement {
  const cell = element('td', { className: `verdict who-${episode.verdict.who}` }, [element('strong', { textContent: episode.verdict.headline }), ` — ${episode.verdict.detail}`]);
  if (episode.incident) {
    const link = element('a', { href: '#', textContent: episode.incident.name, title: episode.incident.url ?? '' });
    Object.assign(link.dataset, { action: 'openIncident', episode: String(episode.id) });
    cell.append(': ', link);
  }
  return cell;
}

function renderTable(data: PanelData): void {
  const rows = [...data.episodes].reverse().map((episode) => {
    const id = String(episode.id);
    const actions: HTMLElement[] = [];
    if (episode.reportable) actions.push(button('Copy Bug Report', { action: 'copyReport', episode: id }));
    actions.push(button('Open Transcript', { action: 'openTranscript', episode: id }));
    const what = element('td', { className: 'what', title: episode.versions.length ? `Claude Code ${episode.versions.join(', ')}` : '' }, [episode.what.join(', ')]);
    if (episode.requestIdCount) {
      const ids = element('a', { href: '#', className: 'ids', textContent: `copy ${episode.requestIdCount === 1 ? 'its request ID' : `${episode.requestIdCount} request IDs`}`, title: episode.requestIds.slice(0, 5).join('\n') });
      Object.assign(ids.dataset, { action: 'copyRequestIds', episode: id });
      what.append(' · ', ids);
    }
    const row = element('tr', {}, [
      element('td', { className: 'when', textContent: episode.when, title: `${episode.startLocal} ${data.timeZone} · ${episode.startUtc} UTC` }),
      element('td', { className: 'duration', textContent: episode.duration }),
      what,
      verdictCell(episode),
      element('td', { className: 'actions' }, [element('div', { className: 'buttons' }, actions)]),
    ]);
    Object.assign(row.dataset, { family: episode.family, episode: id, start: String(episode.start), end: String(episode.end) });
    return row;
  });
  $('episodes-body').replaceChildren(...rows);
}

function render(data: PanelData): void {
  current = data;
  range = data.range;
  scope = data.scope;
  setPressed();
  $('progress').textContent = '';
  $<HTMLButtonElement>('copy-summary').disabled = false;
  if (data.empty) {
    showNotice(data.empty.text, data.empty.action);
    post({ type: 'drawn', failures: 0, retries: 0, episodes: 0, incidents: data.incidents.length });
    return;
  }
  $('notice').hidden = true;
  $('content').hidden = false;
  renderSummary(data);
  renderChart(data);
  renderLegend(data);
  renderTable(data);
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'history') render(message.data);
  else if (message.type === 'error') {
    current = null;
    $<HTMLButtonElement>('copy-summary').disabled = true;
    showNotice(message.text, message.action);
  } else $('progress').textContent = message.text;
});

let lastWidth = 0;
new ResizeObserver(() => {
  const width = $('chart').clientWidth;
  if (current && !current.empty && width !== lastWidth) renderChart(current);
  lastWidth = width;
}).observe($('chart'));

setPressed();
post({ type: 'ready', range, scope });
