// secretlint's recommended rule preset, the maintained set of known token shapes. A lazy module
// (scripts/build.mjs): built as its own file and loaded by `findKnownSecrets` when a report is
// built, so that activation and CLI start-up do not pay for it.
// (secretlint is ESM only: imported dynamically, which esbuild still bundles into this file.)

/** Where the rule set finds a secret in `content`: [start, end) ranges. */
export async function lintKnownSecrets(content: string): Promise<Array<readonly [number, number]>> {
  const [{ lintSource }, { creator: preset }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
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
  return result.messages.map((message) => message.range);
}
