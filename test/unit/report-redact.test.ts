import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { redact } from '../../src/core/report/redact';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'report');
const CONTEXT = { homedir: '/home/alice', username: 'alice' };

function cases(file: string): string[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
}

/** Every window of 8 characters of a secret (the whole secret when shorter): none may survive. */
function fragments(secret: string): string[] {
  const size = Math.min(8, secret.length);
  const windows: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) windows.push(secret.slice(i, i + size));
  return windows;
}

describe('redact: secret corpus', () => {
  const corpus = cases('secrets.txt');

  it('has a case for every shape the report must hide', () => {
    assert.ok(corpus.length >= 50, `only ${corpus.length} cases`);
  });

  for (const marked of corpus) {
    it(`leaks nothing from: ${marked.slice(0, 70)}`, () => {
      const secrets = [...marked.matchAll(/«([^«»]*)»/g)].map((match) => match[1]);
      assert.ok(secrets.length > 0, 'a case marks its secret with « »');
      const input = marked.replace(/[«»]/g, '');
      const output = redact(input, CONTEXT);
      for (const secret of secrets) {
        for (const fragment of fragments(secret)) {
          // A fragment may legitimately occur in the unmarked text around the secret.
          const outside = input.split(secret).join('');
          if (outside.includes(fragment)) continue;
          assert.ok(!output.includes(fragment), `"${fragment}" of "${secret}" survived in: ${output}`);
        }
      }
    });
  }
});

describe('redact: benign text', () => {
  for (const line of cases('benign.txt')) {
    it(`leaves unchanged: ${line.slice(0, 70)}`, () => {
      assert.equal(redact(line, CONTEXT), line);
    });
  }

  it('keeps request IDs, versions and model names', () => {
    const text = 'req_011CX9aBcDeFgHiJkLmNoPqRsT 2.1.110 (Claude Code) claude-opus-4-5-20251101 1.0.3';
    assert.equal(redact(text, CONTEXT), text);
  });

  it('is idempotent', () => {
    for (const line of cases('secrets.txt')) {
      const once = redact(line.replace(/[«»]/g, ''), CONTEXT);
      assert.equal(redact(once, CONTEXT), once);
    }
  });
});

describe('redact: paths', () => {
  it('turns the home directory into ~ and keeps the rest of the path', () => {
    assert.equal(redact('cwd /home/alice/src/app', CONTEXT), 'cwd ~/src/app');
    assert.equal(redact('/home/alice', CONTEXT), '~');
  });

  it('does not touch a longer name that starts like the home directory', () => {
    assert.equal(redact('/home/alice2/x', { homedir: '/home/alice' }), '/home/<user>/x');
    assert.equal(redact('/home/alicebob', { homedir: '/home/alice' }).includes('~'), false);
  });

  it('matches a Windows home directory with either separator, JSON escaping and any case', () => {
    const windows = { homedir: 'C:\\Users\\Dana', username: 'Dana' };
    assert.equal(redact('at C:\\Users\\Dana\\code\\shop\\index.ts', windows), 'at ~\\code\\shop\\index.ts');
    assert.equal(redact('at c:/users/DANA/code', windows), 'at ~/code');
    assert.equal(redact('"cwd":"C:\\\\Users\\\\Dana\\\\code"', windows), '"cwd":"~\\\\code"');
  });

  it('hides any user name under /Users, /home and C:\\Users, but not shared folders', () => {
    assert.equal(redact('/Users/bob/x /home/carol/y C:\\Users\\Erin\\z', {}), '/Users/<user>/x /home/<user>/y C:\\Users\\<user>\\z');
    assert.equal(redact('/Users/Shared/x C:\\Users\\Public\\y', {}), '/Users/Shared/x C:\\Users\\Public\\y');
  });

  it('hides the user name as a path segment elsewhere, not in prose', () => {
    assert.equal(redact('/srv/alice/work and alice said', CONTEXT), '/srv/<user>/work and alice said');
  });

  it('ignores a home directory that is the root', () => {
    assert.equal(redact('/usr/bin/node', { homedir: '/' }), '/usr/bin/node');
  });
});

describe('redact: shapes', () => {
  it('keeps the scheme of an authorization header', () => {
    assert.equal(redact('Authorization: Bearer abc.def.123456', {}), 'Authorization: Bearer [REDACTED]');
    assert.equal(redact('{"authorization":"Basic dXNlcjpwYXNz"}', {}), '{"authorization":"Basic [REDACTED]"}');
  });

  it('keeps the names and quotes of redacted assignments', () => {
    assert.equal(redact('{"api_key": "abc123", "model": "x"}', {}), '{"api_key": "[REDACTED]", "model": "x"}');
    assert.equal(redact('password=hunter2 next', {}).startsWith('password=[REDACTED]'), true);
    assert.equal(redact('max_tokens: 8192 > 4096', {}), 'max_tokens: 8192 > 4096');
  });

  it('replaces Anthropic keys but says what they were', () => {
    assert.equal(redact('key sk-ant-api03-abcdefghijklmnop-XYZ', {}), 'key sk-ant-[REDACTED]');
  });
});
