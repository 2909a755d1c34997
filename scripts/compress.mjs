// Writes a gzip (-9) and a brotli (quality 11) copy beside every text and wasm file of dist/, for
// the server to send as they are (ServeDir's precompressed files). Node's own zlib: nothing to
// install. Prints what the web app costs on the wire.
//   node scripts/compress.mjs [dist]
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const compressible = /\.(wasm|js|css|html|svg|txt|json)$/;
const totals = { raw: 0, gzip: 0, brotli: 0 };
for (const name of readdirSync(dist)) {
  const path = join(dist, name);
  if (!statSync(path).isFile() || !compressible.test(name)) continue;
  const raw = readFileSync(path);
  const gz = gzipSync(raw, { level: 9 });
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  totals.raw += raw.length; totals.gzip += gz.length; totals.brotli += br.length;
  if (name.endsWith('.wasm')) {
    console.log(`web app: ${name} ${raw.length} bytes, ${gz.length} gzip, ${br.length} brotli`);
  }
}
const kib = (n) => (n / 1024).toFixed(1);
console.log(`all files: ${kib(totals.raw)} KiB, ${kib(totals.gzip)} KiB gzip, ${kib(totals.brotli)} KiB brotli`);
