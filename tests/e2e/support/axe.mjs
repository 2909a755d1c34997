// axe-core with all its rules, run in a page: the violations as one line each (empty: none).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

let axeSource;

export async function axeViolations(page) {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Colours are judged at rest: a button waking up fades its colours in (a 0.15 s transition),
  // and axe would read a mix halfway through.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  // evaluate() runs through the DevTools protocol, so the page's CSP does not block axe.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
