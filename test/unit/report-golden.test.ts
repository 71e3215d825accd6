// Golden Markdown reports, one per era of failure. Regenerate after an intended change with
//   UPDATE_GOLDENS=1 node --import tsx --test test/unit/report-golden.test.ts
// and read the diff before committing it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildBugReport } from '../../src/core/report/report';
import { REPORT_CASES } from '../fixtures/report/cases';

const GOLDEN_DIR = path.join(__dirname, '..', 'fixtures', 'report');
const UPDATE = process.env.UPDATE_GOLDENS === '1';

describe('bug report goldens', () => {
  for (const { name, description, input } of REPORT_CASES) {
    it(`${name}: ${description}`, async () => {
      const markdown = (await buildBugReport(input)).markdown;
      const file = path.join(GOLDEN_DIR, `${name}.md`);
      if (UPDATE) writeFileSync(file, markdown);
      assert.equal(markdown, readFileSync(file, 'utf8'));
    });
  }
});
