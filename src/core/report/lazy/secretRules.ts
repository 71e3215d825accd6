// secretlint's recommended rule preset, the maintained set of known token shapes. A lazy module
// (scripts/build.mjs): built as its own file and loaded by `findKnownSecrets` when a report is
// built, so that activation and CLI start-up do not pay for it.
// (secretlint is ESM only: imported dynamically, which esbuild still bundles into this file.)

/** Where the rule set finds a secret in `content`: [start, end) ranges. */
export async function lintKnownSecrets(content: string): Promise<Array<readonly [number, number]>> {
  const [{ lintSource }, { creator: preset }, { secretLintProfiler }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
    import('@secretlint/profiler'),
  ]);
  const config = {
    rules: [
      {
        id: '@secretlint/secretlint-rule-preset-recommend',
        rule: preset,
        // A `secretlint-disable` comment in transcript text must not switch detection off.
        rules: [{ id: '@secretlint/secretlint-rule-filter-comments', disabled: true }],
      },
    ],
  };
  const result = await lintSource({
    source: { filePath: '/report.txt', content, contentType: 'text' },
    options: { config, maskSecrets: false },
  });
  await forgetProfile(secretLintProfiler);
  return result.messages.map((message) => message.range);
}

/**
 * secretlint's profiler keeps every performance entry of every run and searches them on each new
 * mark: in a long-lived extension host, a leak and a slowdown growing with each report. Its lists
 * are emptied after a run (the marks themselves are left alone: its observer still measures them).
 */
async function forgetProfile(profiler: { getEntries(): Promise<unknown[]>; getMeasures(): Promise<unknown[]> }): Promise<void> {
  (await profiler.getEntries()).length = 0;
  (await profiler.getMeasures()).length = 0;
}
