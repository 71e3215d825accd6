// Move Settings to Their New Names: the 0.1 names' values moved to `claudeAPIWatch.*` on request.
import { CommandId } from '../../core/commandIds';
import { moveLegacySettingsCommand } from '../settingsMove';
import type { CommandContext, CommandHandlers } from './context';

export function settingsCommands(ctx: CommandContext): Pick<CommandHandlers, typeof CommandId.moveLegacySettings> {
  return { [CommandId.moveLegacySettings]: () => moveLegacySettingsCommand(ctx.log) };
}
