// The history panel on demand: its serializer is registered at activation (VS Code restores an open
// panel after a reload), while the panel, its index and its data load on first use from a lazy module.
import * as vscode from 'vscode';
import { HISTORY_VIEW_TYPE } from '../../core/commandIds';
import type { HistoryStore } from '../../core/history/historyStore';
import type { ApiFailureEvent } from '../../core/types';
import type { HistoryPanelHost, HistoryPanels } from './historyPanel';

export interface HistoryPanelLoaderHost extends Omit<HistoryPanelHost, 'store'> {
  /** The config dirs the index covers now (a change starts another index). */
  configDirs(): readonly string[];
  /** Where the indexes are kept (the extension's global storage). */
  storageDir: string;
}

export class HistoryPanelLoader implements vscode.Disposable {
  #panels: HistoryPanels | null = null;
  #loading: Promise<HistoryPanels> | null = null;
  #disposed = false;
  readonly #serializer: vscode.Disposable;

  constructor(private readonly host: HistoryPanelLoaderHost) {
    this.#serializer = vscode.window.registerWebviewPanelSerializer(HISTORY_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => (await this.#load()).adopt(panel, state),
    });
  }

  /** Opens the panel, or brings it forward. */
  async show(): Promise<void> {
    (await this.#load()).show();
  }

  /** A failure or retry was just read: an open panel refreshes (none is open before the first load). */
  onNewEvent(): void {
    this.#panels?.onNewEvent();
  }

  /** What the panel last drew (nothing before it was first shown). */
  lastDrawn(): ReturnType<HistoryPanels['lastDrawn']> {
    return this.#panels?.lastDrawn() ?? { drawn: null, episodes: [] };
  }

  /** The episode of the panel's history holding `chosen`, or null (also while no panel was shown). */
  outageAround(chosen: ApiFailureEvent): ApiFailureEvent[] | null {
    return this.#panels?.outageAround(chosen) ?? null;
  }

  #load(): Promise<HistoryPanels> {
    this.#loading ??= import('../lazy/historyPanel.js').then(({ HistoryPanels, HistoryStore }) => {
      let store: HistoryStore | null = null;
      const panels = new HistoryPanels({
        ...this.host,
        store: () => {
          const configDirs = [...this.host.configDirs()];
          if (store?.configDirs.join('\0') !== configDirs.join('\0')) store = new HistoryStore({ configDirs, storageDir: this.host.storageDir });
          return store;
        },
      });
      if (this.#disposed) panels.dispose();
      return (this.#panels = panels);
    });
    return this.#loading;
  }

  dispose(): void {
    this.#disposed = true;
    this.#serializer.dispose();
    this.#panels?.dispose();
  }
}
