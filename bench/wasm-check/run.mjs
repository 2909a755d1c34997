// Runs wasm-check's exports in Node and compares them with the native digests pinned in
// crates/arena-core/tests/rating_golden.rs. usage: node run.mjs WASM GOLDEN_TEST_RS
import fs from 'fs';

const [wasmPath, goldenPath] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {});
const golden = fs.readFileSync(goldenPath, 'utf8');
const hex = (x) => BigInt.asUintN(64, x).toString(16).padStart(16, '0');
const pinned = (name) => {
  const body = golden.split(`fn ${name}()`)[1] ?? '';
  return (body.match(/"([0-9a-f]{16})"/) ?? [])[1];
};

let failed = false;
for (const name of ['simulated_counts', 'sandwich_reweighted', 'style_controlled']) {
  const got = hex(instance.exports[name]());
  const want = pinned(name);
  const same = got === want;
  failed ||= !same;
  console.log(`WASM ${name} ${got} native ${want} ${same ? 'same bits' : 'DIFFERENT'}`);
}
const started = performance.now();
instance.exports.benchmark_table();
const seconds = (performance.now() - started) / 1000;
console.log(`WASM benchmark_table ${seconds.toFixed(2)} s (1 thread: simulate 1,000,000 battles, count, fit, 1000 rounds)`);
process.exit(failed ? 1 : 0);
