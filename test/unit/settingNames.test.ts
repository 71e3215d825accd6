// The rename of the settings to `claudeAPIWatch.*`: which value applies when a 0.1 name
// (`claudeApiWatch.*`) is set, what the one-click move writes, and that the manifest declares the
// 0.1 names the way the code reads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  describeSettingMoves,
  LEGACY_SETTING_KEYS,
  legacyValueAsCurrent,
  planSettingMoves,
  resolveSetting,
  settingName,
  USER_ONLY_SETTING_KEYS,
  type InspectedSetting,
} from '../../src/core/settingNames';

const root = path.resolve(__dirname, '..', '..');
interface Property {
  type?: string | string[];
  scope?: string;
  default?: unknown;
  markdownDeprecationMessage?: string;
}
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { commands: { command: string }[]; configuration: { properties: Record<string, Property> } };
};
const strings = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const properties = manifest.contributes.configuration.properties;

describe('which value applies', () => {
  const nothing: InspectedSetting = { defaultValue: 'workspace' };

  test('nothing under the 0.1 name: exactly what get() gave for the new name', () => {
    assert.deepEqual(resolveSetting('scope', 'all', { defaultValue: 'workspace', globalValue: 'all' }, {}), { value: 'all', legacyLevel: null });
    assert.deepEqual(resolveSetting('scope', 'workspace', nothing, undefined), { value: 'workspace', legacyLevel: null });
  });

  test('a 0.1 user value applies where the new name is not set anywhere', () => {
    assert.deepEqual(resolveSetting('configDir', '', { defaultValue: '' }, { globalValue: '/srv/claude' }), { value: '/srv/claude', legacyLevel: 'global' });
  });

  test('the new name wins at the same level, and the 0.1 value no longer matters', () => {
    assert.deepEqual(resolveSetting('scope', 'workspace', { globalValue: 'workspace' }, { globalValue: 'all' }), { value: 'workspace', legacyLevel: null });
  });

  test('levels keep their order: a 0.1 workspace value beats a new user value, a new workspace value beats a 0.1 user value', () => {
    assert.deepEqual(resolveSetting('lookbackHours', 48, { globalValue: 48 }, { workspaceValue: 6 }), { value: 6, legacyLevel: 'workspace' });
    assert.deepEqual(resolveSetting('lookbackHours', 6, { workspaceValue: 6 }, { globalValue: 48 }), { value: 6, legacyLevel: null });
    assert.deepEqual(resolveSetting('lookbackHours', 12, { workspaceValue: 12 }, { workspaceFolderValue: 3, globalValue: 48 }), { value: 3, legacyLevel: 'workspaceFolder' });
  });

  test("0.1's on/off notifications become a level", () => {
    assert.deepEqual(resolveSetting('notifications', 'onPersistentRetries', {}, { globalValue: false }), { value: 'off', legacyLevel: 'global' });
    assert.deepEqual(resolveSetting('notifications', 'onPersistentRetries', {}, { globalValue: true }), { value: 'onPersistentRetries', legacyLevel: 'global' });
    assert.equal(legacyValueAsCurrent('notifications', 'onFailure'), 'onFailure');
    assert.equal(legacyValueAsCurrent('scope', false), false);
  });

  test('user-only settings take a 0.1 value from user settings alone (0.1 let a workspace set the repository)', () => {
    for (const key of USER_ONLY_SETTING_KEYS) {
      assert.deepEqual(resolveSetting(key, 'mine', {}, { workspaceValue: 'theirs', workspaceFolderValue: 'theirs' }), { value: 'mine', legacyLevel: null }, key);
    }
    assert.deepEqual(resolveSetting('issueRepository', 'anthropics/claude-code', {}, { workspaceValue: 'attacker/collect', globalValue: 'me/fork' }), {
      value: 'me/fork',
      legacyLevel: 'global',
    });
  });
});

describe('the one-click move', () => {
  test('writes each 0.1 value under the new name at its level, converted; where the new name is set, only removes the old one', () => {
    const moves = planSettingMoves([
      { key: 'configDir', level: 'global', legacyValue: '/srv/claude', currentValue: undefined },
      { key: 'notifications', level: 'workspace', legacyValue: false, currentValue: undefined },
      { key: 'scope', level: 'global', legacyValue: 'all', currentValue: 'workspace' },
      { key: 'lookbackHours', level: 'workspaceFolder', folder: 'api', legacyValue: 6, currentValue: undefined },
    ]);
    assert.deepEqual(moves, [
      { key: 'configDir', level: 'global', write: { value: '/srv/claude' } },
      { key: 'notifications', level: 'workspace', write: { value: 'off' } },
      { key: 'scope', level: 'global' },
      { key: 'lookbackHours', level: 'workspaceFolder', folder: 'api', write: { value: 6 } },
    ]);
    assert.equal(
      describeSettingMoves(moves),
      'Moved 3 settings to claudeAPIWatch.*: configDir (User), notifications (Workspace), lookbackHours (Folder api).' +
        ' Removed the 0.1 name of scope (User): the new name was already set there and stays.',
    );
  });

  test('one setting is one', () => {
    assert.equal(describeSettingMoves([{ key: 'configDir', level: 'global', write: { value: '/srv' } }]), 'Moved 1 setting to claudeAPIWatch.*: configDir (User).');
  });

  test('says so when there was nothing left to move', () => {
    assert.deepEqual(planSettingMoves([]), []);
    assert.match(describeSettingMoves([]), /nothing to move/);
  });
});

describe('the manifest', () => {
  const legacy = Object.entries(properties).filter(([, spec]) => spec.markdownDeprecationMessage !== undefined);

  test('declares the settings under claudeAPIWatch.* (VS Code labels them "Claude API Watch"), commands keep their ids', () => {
    const current = Object.keys(properties).filter((name) => properties[name].markdownDeprecationMessage === undefined);
    assert.ok(current.length >= LEGACY_SETTING_KEYS.length);
    for (const name of current) assert.match(name, /^claudeAPIWatch\./);
    for (const { command } of manifest.contributes.commands) assert.match(command, /^claudeApiWatch\./);
  });

  test("declares exactly 0.1's names as renamed, each pointing at its new name, with the new name's type and scope", () => {
    assert.deepEqual(legacy.map(([name]) => name).sort(), LEGACY_SETTING_KEYS.map((key) => `claudeApiWatch.${key}`).sort());
    for (const [name, spec] of legacy) {
      const key = name.slice('claudeApiWatch.'.length);
      const renamed = properties[settingName(key)];
      assert.ok(renamed, `${name}: no ${settingName(key)}`);
      const message = /^%(.+)%$/.exec(spec.markdownDeprecationMessage!)?.[1];
      assert.ok(message && message in strings, `${name}: its message is not in package.nls.json`);
      assert.ok(strings[message].includes(`\`${settingName(key)}\``), `${name}: ${strings[message]}`);
      // A workspace must not get through the 0.1 name to a setting only the user may set.
      assert.equal(spec.scope, renamed.scope, `${name}: scope`);
      assert.equal(spec.default, undefined, `${name}: a default would make the 0.1 name look set`);
      const types = [spec.type].flat();
      assert.ok(types.includes([renamed.type].flat()[0]!), `${name}: type ${String(spec.type)}`);
    }
    assert.deepEqual([properties['claudeApiWatch.notifications'].type].flat().sort(), ['boolean', 'string'], "0.1's notifications was on/off");
  });

  test('restricts both names of the user-only settings in untrusted workspaces', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of USER_ONLY_SETTING_KEYS) {
      assert.ok(restricted.includes(`claudeAPIWatch.${key}`), key);
      assert.ok(restricted.includes(`claudeApiWatch.${key}`), key);
      assert.ok(['machine', 'application'].includes(properties[settingName(key)].scope ?? ''), key);
    }
  });
});
