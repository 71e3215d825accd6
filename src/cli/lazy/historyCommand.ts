// `claude-api-watch history`, loaded only when that command runs (a lazy module: see scripts/build.mjs).
// The command ends through runCommand (exit 2 with its usage for bad flags) inside runHistoryCommand.
export { runHistoryCommand as run } from '../history';
