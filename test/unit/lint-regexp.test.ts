// The linter is what keeps every regex linear (ARCHITECTURE.md §4): prove it rejects a super-linear one
// with the project's own configuration, and accepts the linear rewrite.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = path.join(__dirname, '..', '..');

async function regexpRulesHit(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, 'src', 'core', 'lint-probe.ts') });
  return result.messages.map((message) => message.ruleId ?? message.message).filter((rule) => rule.startsWith('regexp/'));
}

describe('npm run lint: regexes run in linear time', () => {
  it('rejects a regex that backtracks or moves super-linearly, accepts its linear form', async () => {
    const quadraticMove = await regexpRulesHit("export const cut = (line: string): string => line.replace(/\\s*\\{.*$/, '');\n");
    assert.ok(quadraticMove.includes('regexp/no-super-linear-move'), quadraticMove.join(', '));

    const exponential = await regexpRulesHit('export const bad = (text: string): boolean => /^(a+)+$/.test(text);\n');
    assert.ok(exponential.includes('regexp/no-super-linear-backtracking'), exponential.join(', '));

    const linear = await regexpRulesHit("export const cut = (line: string): string => line.slice(0, Math.max(0, line.indexOf('{'))).replace(/\\s+/g, ' ');\n");
    assert.deepEqual(linear, []);
  });
});
