/**
 * vitest globalSetup: compiles src/ into dist/src/ (and the web pages into dist/web/) once per run
 * when they are missing or older than a source, so the tests that spawn the server or the CLI run
 * compiled JavaScript instead of transpiling src/ through tsx in every process. The same build as
 * `npm run build` (scripts/build.js); the type check is `npm test`'s own first step.
 */
import { buildIfStale } from '../../scripts/build.js';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const built = await buildIfStale({ quiet: true });
  if (built.length) console.log(`built ${built.join(' and ')} into dist/ for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
