// Run by activation.ts in a fresh Node: loads the production bundle with a stand-in `vscode`
// module and times `require` + `activate()`. Prints one JSON line. Plain CommonJS on purpose: no
// loader of ours runs before the bundle, as in the editor's extension host.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, as the extension host loads the bundle */
/* global require, performance */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const [bundle, configDir, packageJsonPath] = process.argv.slice(2);
const packageJSON = require(packageJsonPath);
const defaults = {};
for (const [key, spec] of Object.entries(packageJSON.contributes.configuration.properties)) defaults[key] = spec.default;
defaults['claudeAPIWatch.configDir'] = configDir;
const problems = [];

/** Anything not spelled out below: a callable, constructible object whose properties are more of the same. */
function standIn(name) {
  const cache = new Map();
  return new Proxy(function () {}, {
    get(_target, prop) {
      if (prop === 'then' || prop === '__esModule') return undefined;
      if (prop === Symbol.toPrimitive || prop === 'toString') return () => `[${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => {};
      if (!cache.has(prop)) cache.set(prop, standIn(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    set(_target, prop, value) {
      cache.set(prop, value);
      return true;
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

function logChannel() {
  const channel = standIn('LogOutputChannel');
  channel.error = (...args) => problems.push(args.map(String).join(' '));
  return channel;
}

// A plain object with the API's namespaces and classes (a bundle copies the module's own keys).
const NAMES = 'window workspace commands env l10n languages extensions debug tasks scm tests authentication chat lm comments notebooks ' +
  'Uri StatusBarAlignment ThemeColor ThemeIcon MarkdownString EventEmitter Disposable Range Position Selection Location ' +
  'ConfigurationTarget ViewColumn ProgressLocation CancellationTokenSource CancellationError TreeItem TreeItemCollapsibleState ' +
  'RelativePattern FileSystemError FileType ExtensionMode LogLevel QuickPickItemKind TextEditorRevealType UIKind ColorThemeKind ' +
  'WorkspaceEdit TextEdit SnippetString DiagnosticSeverity Diagnostic CodeLens Hover CompletionItem CompletionItemKind ' +
  'WebviewPanel TabInputText EndOfLine OverviewRulerLane DecorationRangeBehavior';
const vscode = {};
for (const name of NAMES.split(' ')) vscode[name] = standIn(name);
vscode.window.createOutputChannel = logChannel;
vscode.workspace.getConfiguration = (section) => ({
  get: (key, fallback) => {
    const value = defaults[section ? `${section}.${key}` : key];
    return value === undefined ? fallback : value;
  },
  has: (key) => `${section}.${key}` in defaults,
  inspect: () => undefined,
  update: async () => {},
});
vscode.workspace.workspaceFolders = undefined;
vscode.workspace.isTrusted = true;
vscode.l10n.t = (message, ...args) => String(message).replace(/\{(\d+)\}/g, (_m, i) => String(args[Number(i)]));
vscode.env.appName = 'Visual Studio Code';
vscode.env.remoteName = undefined;
vscode.version = '1.100.0';
vscode.StatusBarAlignment = { Left: 1, Right: 2 };

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const memento = () => ({ get: (_key, fallback) => fallback, update: async () => {}, keys: () => [], setKeysForSync: () => {} });
const context = {
  subscriptions: [],
  extension: { id: `${packageJSON.publisher}.${packageJSON.name}`, packageJSON, extensionPath: path.dirname(packageJsonPath), extensionUri: standIn('Uri') },
  extensionPath: path.dirname(packageJsonPath),
  extensionUri: standIn('Uri'),
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  globalState: memento(),
  workspaceState: memento(),
  globalStorageUri: standIn('Uri'),
  storageUri: undefined,
  logUri: standIn('Uri'),
  extensionMode: 1,
  environmentVariableCollection: standIn('EnvironmentVariableCollection'),
};

(async () => {
  const started = performance.now();
  const extension = require(bundle);
  const loaded = performance.now();
  await extension.activate(context);
  const activated = performance.now();
  const lazyLoaded = Object.keys(require.cache).filter((file) => file.includes(`${path.sep}lazy${path.sep}`)).map((file) => path.basename(file));
  for (const disposable of context.subscriptions) disposable.dispose?.();
  process.stdout.write(JSON.stringify({ loadMs: loaded - started, activateMs: activated - loaded, lazyLoaded, problems }) + '\n');
  process.exit(0);
})().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String(error && error.stack ? error.stack : error) }) + '\n');
  process.exit(1);
});
