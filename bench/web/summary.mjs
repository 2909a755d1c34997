// The figures of Lighthouse JSON reports as a Markdown table for BENCHMARKS.md: one row per
// report and a median row (the median of each column on its own, so it need not be any one run).
// Sizes are bytes on the wire (compressed, with headers) in KiB. Lighthouse counts the .wasm as
// "other"; here it has a column of its own, and "other" is the rest (favicon, the API's JSON, ...),
// so that document + script + stylesheet + font + .wasm + other = total.
//   node bench/web/summary.mjs target/bench/lighthouse-1.json ...
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/web/summary.mjs REPORT.json...');
  process.exit(2);
}

const kib = (bytes) => bytes / 1024;
const types = ['document', 'script', 'stylesheet', 'font'];

function figures(file) {
  const lhr = JSON.parse(readFileSync(file, 'utf8'));
  // A page that failed to load still gets a report, with no score: that is not a figure.
  const score = lhr.categories?.performance?.score;
  if (lhr.runtimeError || score == null) {
    throw new Error(`${file}: no performance score (${lhr.runtimeError?.message ?? 'unknown error'})`);
  }
  const audit = (id) => lhr.audits[id]?.numericValue ?? NaN;
  const byType = Object.fromEntries(
    (lhr.audits['resource-summary']?.details?.items ?? []).map((i) => [i.resourceType, i.transferSize]),
  );
  const total = audit('total-byte-weight');
  const named = types.map((t) => byType[t] ?? 0);
  const wasm = (lhr.audits['network-requests']?.details?.items ?? [])
    .filter((r) => new URL(r.url).pathname.endsWith('.wasm'))
    .reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
  return {
    lhr,
    row: [
      Math.round(score * 100),
      audit('largest-contentful-paint') / 1000,
      audit('first-contentful-paint') / 1000,
      audit('total-blocking-time'),
      audit('cumulative-layout-shift'),
      kib(total),
      ...named.map(kib),
      kib(wasm),
      kib(total - named.reduce((a, b) => a + b, 0) - wasm),
    ],
  };
}

const header = ['run', 'score', 'LCP (s)', 'FCP (s)', 'TBT (ms)', 'CLS', 'total (KiB)',
  ...types.map((t) => `${t} (KiB)`), '.wasm (KiB)', 'other (KiB)'];
// Decimals per column, in the order of `row`.
const decimals = [0, 2, 2, 0, 3, 1, 1, 1, 1, 1, 1, 1];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const runs = files.map(figures);
const rows = runs.map((r, i) => [String(i + 1), ...r.row.map((v, c) => v.toFixed(decimals[c]))]);
const med = runs[0].row.map((_, c) => median(runs.map((r) => r.row[c])).toFixed(decimals[c]));
rows.push(['**median**', ...med.map((v) => `**${v}**`)]);

console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map((_, c) => (c === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

// How the figures were taken, to paste under the table.
const { lhr } = runs[0];
const t = lhr.configSettings.throttling;
const method = { simulate: 'simulated', devtools: 'DevTools', provided: 'no' };
// The user agent is reduced to the major version (Chrome/156.0.0.0); Chromium is Debian's.
const major = lhr.environment?.hostUserAgent?.match(/Chrom(?:e|ium)\/(\d+)/)?.[1];
const browser = major ? `Chromium ${major}` : 'unknown browser';
console.log(
  `\nLighthouse ${lhr.lighthouseVersion}, ${browser} (headless), ${lhr.configSettings.formFactor}, ` +
  `${method[lhr.configSettings.throttlingMethod] ?? lhr.configSettings.throttlingMethod} throttling (${t.rttMs} ms RTT, ${t.throughputKbps} kbit/s, ` +
  `${t.cpuSlowdownMultiplier}x CPU slowdown), benchmark index ${lhr.environment?.benchmarkIndex ?? '?'}; ` +
  `${runs.length} runs.`,
);
