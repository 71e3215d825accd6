import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCwdInScope, isPathInside } from '../../src/core/scope';

describe('workspace scope', () => {
  it('matches the folder itself and anything below it, not a sibling with the same prefix', () => {
    assert.ok(isPathInside('/home/dev/shop', '/home/dev/shop', 'linux'));
    assert.ok(isPathInside('/home/dev/shop/api', '/home/dev/shop/', 'linux'));
    assert.ok(!isPathInside('/home/dev/shop-old', '/home/dev/shop', 'linux'));
    assert.ok(!isPathInside('/home/dev/Shop', '/home/dev/shop', 'linux'));
  });

  it('ignores case and separators on Windows', () => {
    assert.ok(isPathInside('C:\\Users\\Dev\\Shop\\api', 'c:/users/dev/shop', 'win32'));
    assert.ok(isPathInside('c:/Users/dev/shop', 'C:\\Users\\Dev\\Shop\\', 'win32'));
    assert.ok(!isPathInside('C:\\Users\\Dev\\Shopping', 'C:\\Users\\Dev\\Shop', 'win32'));
    assert.ok(isPathInside('D:\\work', 'D:\\', 'win32'));
  });

  it('ignores case on macOS', () => {
    assert.ok(isPathInside('/Users/Dev/Shop', '/users/dev/shop', 'darwin'));
  });

  it('takes every session when no folder is open, and none without a cwd otherwise', () => {
    assert.ok(isCwdInScope('/anywhere', [], 'linux'));
    assert.ok(isCwdInScope(null, [], 'linux'));
    assert.ok(!isCwdInScope(null, ['/home/dev/shop'], 'linux'));
    assert.ok(isCwdInScope('/b/x', ['/a', '/b'], 'linux'));
    assert.ok(!isCwdInScope('/c/x', ['/a', '/b'], 'linux'));
  });
});
