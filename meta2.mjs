import * as esbuild from 'esbuild';
const r = await esbuild.build({ entryPoints: ['src/extension.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], minify: true, write: false, metafile: true, outdir: '/tmp/metaout', supported: { 'dynamic-import': false },
  plugins: [{ name: 'lazy', setup(b) { b.onResolve({ filter: /\/lazy\// }, (a) => ({ path: a.path, external: true })); } }] });
for (const t of process.argv.slice(2)) for (const [k, v] of Object.entries(r.metafile.inputs)) for (const i of v.imports) if (i.path.includes(t)) console.log(k, '->', i.path, i.kind);
const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint);
for (const t of process.argv.slice(2)) for (const [k,v] of Object.entries(out.inputs)) if (k.includes(t)) console.log('in output:', k, v.bytesInOutput);
