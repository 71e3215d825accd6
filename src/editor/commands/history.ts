// Show Failure History: the history panel (src/editor/history/).
import { CommandId } from '../../core/commandIds';
import type { CommandContext, CommandHandler } from './context';

export function historyCommands(ctx: CommandContext): Record<typeof CommandId.showFailureHistory, CommandHandler> {
  return { [CommandId.showFailureHistory]: () => ctx.showFailureHistory() };
}
