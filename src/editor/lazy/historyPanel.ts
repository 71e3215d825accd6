// The failure history panel and the index it reads, loaded the first time the panel is shown or
// restored (src/editor/history/panelLoader.ts): the editor does not load them at start-up.
export { HistoryPanels } from '../history/historyPanel';
export { HistoryStore } from '../../core/history/historyStore';
