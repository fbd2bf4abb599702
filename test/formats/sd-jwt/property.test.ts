/**
 * Property: whatever text arrives, parsing and processing an SD-JWT either succeeds or throws a
 * FormatError (a 4xx with a code), never a TypeError, RangeError or anything else (a 500).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../../../src/errors.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import { parseCompactJws } from '../../../src/formats/jose/parse-compact-jws.js';
import { verifySdJwtVc } from '../../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { fixedClock } from '../../../src/clock.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { b64json, digestOf } from '../helpers.js';

const onlyFormatErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
  }
};

/** Parse, decode the issuer JWT without verifying it, and process the disclosures. */
const parseAndProcess = (text: string) =>
  onlyFormatErrors(() => {
    const parts = parseSdJwt(text);
    processDisclosures(parseCompactJws(parts.jwt).payload, parts.disclosures);
  });

const segment = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'AZaz09-_.~=+/ {}"[]'.split('')) }),
  fc.jsonValue().map(b64json),
  fc.string().map((s) => Buffer.from(s).toString('base64url')),
);

test('arbitrary strings only ever raise FormatError', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), parseAndProcess), { numRuns: 2000 });
});

test('strings made of SD-JWT-looking segments only ever raise FormatError', () => {
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, dots) => {
      parseAndProcess(segments.join(dots ? '.' : '~'));
      parseAndProcess(`${b64json({ alg: 'ES256' })}.${segments.join('~')}~`);
    }),
    { numRuns: 1000 },
  );
});

/** Arbitrary JSON where `_sd`, `...` and `_sd_alg` show up often, with matching disclosures. */
const sdTree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), tie('object'), fc.array(tie('value'), { maxLength: 4 })),
  object: fc.dictionary(fc.constantFrom('a', 'b', '_sd', '...', '_sd_alg', '__proto__'), tie('value'), { maxKeys: 4 }),
}));

test('arbitrary payloads and disclosures only ever raise FormatError from processing', () => {
  const disclosureArb = fc.oneof(
    fc.tuple(fc.string(), fc.constantFrom('a', 'b', '_sd', '...'), sdTree.value).map((t) => b64json(t)),
    fc.tuple(fc.string(), sdTree.value).map((t) => b64json(t)),
    fc.jsonValue().map(b64json),
  );
  fc.assert(
    fc.property(sdTree.object, fc.array(disclosureArb, { maxLength: 6 }), fc.boolean(), (payload, disclosures, link) => {
      const p = payload as JsonObject;
      // Half the time, reference every disclosure from the top level so processing goes deep.
      if (link) p._sd = disclosures.map(digestOf);
      onlyFormatErrors(() => processDisclosures(p, disclosures));
    }),
    { numRuns: 2000 },
  );
});

test('verifySdJwtVc rejects arbitrary input only with FormatError', async () => {
  const options = { resolveIssuerKey: () => undefined, clock: fixedClock(0), skewSeconds: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string(),
        fc.array(segment, { maxLength: 6 }).map((s) => s.join('~')),
      ),
      async (text) => {
        await assert.rejects(verifySdJwtVc(text, options), (e) => e instanceof FormatError);
      },
    ),
    { numRuns: 500 },
  );
});
