// Every command id the extension contributes, in one place (package.json must list the same), and
// the history panel's webview type (package.json's onWebviewPanel activation event names it).
export const CommandId = {
  copyBugReport: 'claudeApiWatch.copyBugReport',
  openGitHubIssue: 'claudeApiWatch.openGitHubIssue',
  showRecentFailures: 'claudeApiWatch.showRecentFailures',
  openTranscriptAtFailure: 'claudeApiWatch.openTranscriptAtFailure',
  openAnthropicStatus: 'claudeApiWatch.openAnthropicStatus',
  showLog: 'claudeApiWatch.showLog',
  clearIndicator: 'claudeApiWatch.clearIndicator',
  searchExistingIssues: 'claudeApiWatch.searchExistingIssues',
  checkApiHealth: 'claudeApiWatch.checkApiHealth',
  storeApiKey: 'claudeApiWatch.storeApiKey',
  clearApiKey: 'claudeApiWatch.clearApiKey',
  reportExtensionProblem: 'claudeApiWatch.reportExtensionProblem',
  runDiagnostics: 'claudeApiWatch.runDiagnostics',
  reportUnknownFormat: 'claudeApiWatch.reportUnknownFormat',
  showFailureHistory: 'claudeApiWatch.showFailureHistory',
  showActions: 'claudeApiWatch.showActions',
  moveLegacySettings: 'claudeApiWatch.moveLegacySettings',
  resumeSession: 'claudeApiWatch.resumeSession',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/** The failure history panel's webview type. */
export const HISTORY_VIEW_TYPE = 'claudeApiWatch.history';
