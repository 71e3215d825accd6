// The README's reference tables against what the product declares: every setting with its default,
// every command with its palette title, every `scan --json` field. A change to one without the other fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildHistory, historyToJson } from '../../src/core/history/history';
import { toScanJson, toUnknownShapeJson } from '../../src/core/scan';
import type { ApiFailureEvent } from '../../src/core/types';

const root = path.resolve(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  icon?: string;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { default?: unknown; markdownDeprecationMessage?: string }> };
  };
};
const strings = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** `%key%` → its English string, as the Command Palette shows it. */
function localized(value: string): string {
  const key = /^%(.+)%$/.exec(value)?.[1];
  if (key === undefined) return value;
  assert.ok(key in strings, `package.nls.json has no "${key}"`);
  return strings[key];
}

/** Cells of a Markdown table row, trimmed (`\|` stays inside a cell). */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The body rows of the table under `## heading` whose first column is headed `firstColumn`. */
function tableRows(heading: string, firstColumn: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  assert.ok(start >= 0, `README has no "## ${heading}" section`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const section = lines.slice(start + 1, end < 0 ? undefined : end);
  for (let i = 0; i + 1 < section.length; i++) {
    const isHeader = section[i].trimStart().startsWith('|') && (i === 0 || !section[i - 1].trimStart().startsWith('|'));
    if (!isHeader || cellsOf(section[i])[0] !== firstColumn) continue;
    assert.match(section[i + 1].trim(), /^\|(\s*:?-+:?\s*\|)+$/, `README's "${firstColumn}" table has no separator row`);
    const rows: string[][] = [];
    for (const line of section.slice(i + 2)) {
      if (!line.trimStart().startsWith('|')) break;
      rows.push(cellsOf(line));
    }
    return rows;
  }
  assert.fail(`README's "${heading}" section has no table headed "${firstColumn}"`);
}

/** The text of a cell that is exactly one code span. */
function codeSpan(cell: string, what: string): string {
  const match = /^`([^`]+)`$/.exec(cell);
  assert.ok(match, `${what}: expected one \`code span\`, got ${JSON.stringify(cell)}`);
  return match[1];
}

function duplicates(values: string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

test('the settings table lists every contributed setting, and only those (0.1 names declared only to be marked renamed are not settings)', () => {
  const documented = tableRows('Settings', 'Setting').map((cells) => codeSpan(cells[0], 'setting name'));
  const contributed = Object.entries(manifest.contributes.configuration.properties)
    .filter(([, spec]) => spec.markdownDeprecationMessage === undefined)
    .map(([name]) => name);
  assert.deepEqual(duplicates(documented), [], 'settings listed twice in the README');
  assert.deepEqual([...documented].sort(), [...contributed].sort());
});

test("the settings table's defaults are package.json's defaults", () => {
  const properties = manifest.contributes.configuration.properties;
  for (const cells of tableRows('Settings', 'Setting')) {
    const name = codeSpan(cells[0], 'setting name');
    const shown = codeSpan(cells[1] ?? '', `default of ${name}`);
    let documentedDefault: unknown;
    try {
      documentedDefault = JSON.parse(shown);
    } catch {
      assert.fail(`the README's default of ${name} is not JSON: ${shown}`);
    }
    assert.ok(name in properties, `${name} is in the README but not in package.json`);
    assert.deepEqual(documentedDefault, properties[name].default, `default of ${name}`);
  }
});

test('the commands table lists every contributed command with its palette title, and only those', () => {
  const rows = tableRows('Commands', 'Command');
  const documented = new Map(rows.map((cells) => [codeSpan(cells[1] ?? '', 'command id'), cells[0]]));
  assert.deepEqual(duplicates(rows.map((cells) => cells[1])), [], 'commands listed twice in the README');
  const contributed = manifest.contributes.commands;
  assert.deepEqual([...documented.keys()].sort(), contributed.map((command) => command.command).sort());
  for (const command of contributed) {
    const title = command.category ? `${localized(command.category)}: ${localized(command.title)}` : localized(command.title);
    assert.equal(documented.get(command.command), title, `palette title of ${command.command}`);
  }
});

test('the scan --json table names exactly the fields scan prints, in order', () => {
  const event: ApiFailureEvent = {
    kind: 'retry',
    uuid: 'u1',
    sessionId: 's1',
    timestamp: '2026-11-25T10:00:00.000Z',
    version: '2.1.205',
    cwd: '/work/shop',
    entrypoint: 'cli',
    isSidechain: false,
    model: 'claude-sonnet-4-5',
    requestId: 'req_011CVreadme',
    requestIds: ['req_011CVreadme'],
    attempt: 1,
    maxRetries: 10,
    retryInMs: 500,
    lastSuccessVersion: null,
    status: 529,
    failureClass: 'overloaded',
    errorType: 'overloaded_error',
    networkCode: null,
    message: '529 Overloaded',
    file: '/home/u/.claude/projects/-work-shop/s1.jsonl',
    line: 3,
  };
  const documented = tableRows('Command line', 'Field').map((cells) => codeSpan(cells[0], 'field'));
  assert.deepEqual(documented, Object.keys(toScanJson(event)));
});

test("the scan --json unknown-shape table names exactly the fields of that line, in order", () => {
  const shape = { skeleton: '{a:string}', count: 1, versions: { '2.1.260': 1 }, firstSeen: { file: '/t/s.jsonl', line: 2 } };
  const documented = tableRows('Command line', 'Unknown shape field').map((cells) => codeSpan(cells[0], 'field'));
  assert.deepEqual(documented, Object.keys(toUnknownShapeJson(shape)));
});

test('the history --json table names exactly the fields history prints, in order', () => {
  const json = historyToJson(buildHistory([], { sinceMs: 0, untilMs: 1, bucket: 'hour', timeZone: 'UTC', quietPeriodMs: 1 }));
  const documented = tableRows('Command line', 'History field').map((cells) => codeSpan(cells[0], 'field'));
  assert.deepEqual(documented, Object.keys(json));
});

test("the manifest's icon is a 256×256 PNG", () => {
  assert.equal(manifest.icon, 'media/icon.png');
  const png = readFileSync(path.join(root, manifest.icon));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [256, 256]);
});
