import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { expandHome, resolveConfigDirs } from '../../src/core/files/configDir';

const home = path.resolve('/home/ada');
const none = () => false;

describe('resolveConfigDirs', () => {
  it('defaults to ~/.claude', () => {
    assert.deepEqual(resolveConfigDirs({ env: {}, homedir: home, exists: none }), [path.join(home, '.claude')]);
  });

  it('prefers CLAUDE_CONFIG_DIR over the default, expanding ~', () => {
    const dirs = resolveConfigDirs({ env: { CLAUDE_CONFIG_DIR: '~/work-claude' }, homedir: home, exists: none });
    assert.deepEqual(dirs, [path.join(home, 'work-claude')]);
  });

  it('prefers an explicit setting over CLAUDE_CONFIG_DIR, and takes it as the whole answer', () => {
    const legacy = path.join(home, '.config', 'claude');
    const dirs = resolveConfigDirs({
      explicit: '~/elsewhere',
      env: { CLAUDE_CONFIG_DIR: '/opt/claude' },
      homedir: home,
      exists: (p) => p === path.join(legacy, 'projects'),
    });
    assert.deepEqual(dirs, [path.join(home, 'elsewhere')]);
  });

  it('treats a blank setting or variable as unset', () => {
    const dirs = resolveConfigDirs({ explicit: '  ', env: { CLAUDE_CONFIG_DIR: '' }, homedir: home, exists: none });
    assert.deepEqual(dirs, [path.join(home, '.claude')]);
  });

  it('makes a relative directory absolute', () => {
    const dirs = resolveConfigDirs({ explicit: 'rel/claude', env: {}, homedir: home, exists: none });
    assert.deepEqual(dirs, [path.resolve('rel/claude')]);
  });

  it('adds the legacy ~/.config/claude when it has a projects dir', () => {
    const legacy = path.join(home, '.config', 'claude');
    const exists = (p: string) => p === path.join(legacy, 'projects');
    assert.deepEqual(resolveConfigDirs({ env: {}, homedir: home, exists }), [path.join(home, '.claude'), legacy]);
    assert.deepEqual(resolveConfigDirs({ env: {}, homedir: home, exists: (p) => p === legacy }), [path.join(home, '.claude')]);
  });

  it('finds the legacy dir under an absolute XDG_CONFIG_HOME, ignoring a relative one', () => {
    const xdg = path.resolve('/xdg');
    const seen: string[] = [];
    const exists = (p: string) => {
      seen.push(p);
      return true;
    };
    assert.deepEqual(resolveConfigDirs({ env: { XDG_CONFIG_HOME: xdg }, homedir: home, exists }), [
      path.join(home, '.claude'),
      path.join(xdg, 'claude'),
    ]);
    assert.deepEqual(resolveConfigDirs({ env: { XDG_CONFIG_HOME: 'relative' }, homedir: home, exists }), [
      path.join(home, '.claude'),
      path.join(home, '.config', 'claude'),
    ]);
  });

  it('lists the legacy dir once when it is also the main one', () => {
    const legacy = path.join(home, '.config', 'claude');
    const dirs = resolveConfigDirs({ env: { CLAUDE_CONFIG_DIR: `${legacy}${path.sep}` }, homedir: home, exists: () => true });
    assert.deepEqual(dirs, [legacy]);
  });
});

describe('expandHome', () => {
  it('expands a leading ~ only', () => {
    assert.equal(expandHome('~', home), home);
    assert.equal(expandHome('~/x', home), path.join(home, 'x'));
    assert.equal(expandHome('/a/~/b', home), '/a/~/b');
    assert.equal(expandHome('~other/x', home), '~other/x');
  });
});
