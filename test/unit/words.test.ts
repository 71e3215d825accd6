// Words the user reads outside our own rendering: the manifest's labels (VS Code derives some of
// them) and the one empty-state sentence every command shares.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { NO_FAILURES_SEEN } from '../../src/core/statusView';

const root = path.resolve(__dirname, '..', '..');
const manifest = readFileSync(path.join(root, 'package.json'), 'utf8');
const strings = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every string value in the manifest that is not a key, an id or a path. */
function manifestTexts(): string[] {
  const texts: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (!/^(?:command|id|main|name|publisher|icon|when|enablement|scope|type|default|view|group|language|extensionKind|pattern|activationEvents|repository|url|license|version|engines|scripts|files|\d+)$/.test(key)) texts.push(value);
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, key === 'enumDescriptions' || key === 'markdownEnumDescriptions' ? key : String(i)));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(JSON.parse(manifest), '');
  return [...texts, ...Object.values(strings)];
}

test('labels say "Claude API Watch" and "API", never "Api"', () => {
  for (const text of manifestTexts()) assert.doesNotMatch(text, /\bApi\b/, text);
  assert.equal(strings.category, 'Claude API Watch');
  assert.match(manifest, /"displayName": "Claude API Watch"/);
  assert.match(manifest, /"title": "Claude API Watch"/);
});

test('no `#claudeApiWatch.key#` references: VS Code would render them as "Claude Api Watch: Key"', () => {
  // And the new prefix's, `#claudeAPIWatch.key#`: "Claude APIWatch: Key" before VS Code 1.139. Code spans say the name as it is.
  for (const text of manifestTexts()) assert.doesNotMatch(text, /#claudeapiwatch\.[\w.]+#/i, text);
});

test('links to a setting (`[Label](#key)`) name one that exists under its new name', () => {
  const properties = (JSON.parse(manifest) as { contributes: { configuration: { properties: Record<string, { markdownDeprecationMessage?: string }> } } }).contributes.configuration.properties;
  let links = 0;
  for (const text of manifestTexts()) {
    for (const [, key] of text.matchAll(/\]\(#([\w.]+)\)/g)) {
      links++;
      assert.ok(key in properties, `${text}: no setting ${key}`);
      assert.equal(properties[key].markdownDeprecationMessage, undefined, `${text}: links to the 0.1 name ${key}`);
    }
  }
  assert.ok(links > 0, 'the notifications setting links to the two it depends on');
});

test('one short empty-state sentence, the same in every command', () => {
  assert.ok(NO_FAILURES_SEEN.length <= 40, 'fits a toast without being cut off');
  const editor = path.join(root, 'src', 'editor');
  const files = (function list(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? list(full) : full.endsWith('.ts') ? [full] : [];
    });
  })(editor);
  let uses = 0;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    uses += source.split('NO_FAILURES_SEEN').length - 1;
    assert.doesNotMatch(source, /['`"]No (?:Claude )?API failures?\b|nothing to report|has not seen an API failure/i, `${path.relative(root, file)} words an empty state of its own`);
  }
  assert.ok(uses >= 3, 'the commands with nothing to show use the one sentence');
});
