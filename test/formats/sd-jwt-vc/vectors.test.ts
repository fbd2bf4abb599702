/** SD-JWT VC draft examples (test/fixtures/vectors/sd-jwt-vc) through verifySdJwtVc and presentSdJwt. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../../src/clock.js';
import { verifySdJwtVc } from '../../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { createKbJwt } from '../../../src/formats/sd-jwt/create-kb-jwt.js';
import type { IssuerKeyLookup } from '../../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { code, readVector, readVectorJson } from '../helpers.js';
import { vectorSettings } from '../vector-keys.js';

const settings = await vectorSettings('sd-jwt-vc');
const KB_IAT = readVectorJson<{ iat: number }>('sd-jwt-vc/01/kb_jwt_payload.json').iat;
const clock = fixedClock(KB_IAT * 1000);
const lookups: IssuerKeyLookup[] = [];
const resolveIssuerKey = (lookup: IssuerKeyLookup) => (lookups.push(lookup), { jwk: settings.issuerJwk, alg: 'ES256' as const });
const kb = { required: true, nonce: settings.nonce, aud: settings.verifier, maxAgeSeconds: 60 };

/** What each example's holder disclosed, in our claim path syntax (from specification.yml). */
const DISCLOSED: Record<string, string[]> = {
  '01': ['address', 'is_over_65'],
  '02': ['address', 'is_over_65'],
  '03-pid': ['nationalities', 'age_equal_or_over.18'],
};

for (const name of ['01', '03-pid']) {
  test(`verifies SD-JWT VC example ${name} with key binding and yields its verified contents`, async () => {
    lookups.length = 0;
    const result = await verifySdJwtVc(readVector(`sd-jwt-vc/${name}/sd_jwt_presentation.txt`), {
      resolveIssuerKey,
      clock,
      skewSeconds: 0,
      kb,
    });
    assert.deepEqual(result.payload, readVectorJson(`sd-jwt-vc/${name}/verified_contents.json`));
    assert.deepEqual(result.kb?.payload, readVectorJson(`sd-jwt-vc/${name}/kb_jwt_payload.json`));
    assert.equal(lookups[0]?.iss, result.payload.iss);
    if (name === '01') assert.equal(lookups[0]?.kid, 'doc-signer-05-25-2022');
  });
}

test('verifies SD-JWT VC example 02, which has no key binding, when binding is not required', async () => {
  const text = readVector('sd-jwt-vc/02/sd_jwt_presentation.txt');
  const result = await verifySdJwtVc(text, { resolveIssuerKey, clock, skewSeconds: 0, kb: { ...kb, required: false } });
  assert.deepEqual(result.payload, readVectorJson('sd-jwt-vc/02/verified_contents.json'));
  assert.equal(result.kb, undefined);
  await assert.rejects(verifySdJwtVc(text, { resolveIssuerKey, clock, skewSeconds: 0, kb }), code('kb_jwt_missing'));
});

for (const name of Object.keys(DISCLOSED)) {
  test(`selects the same disclosures as the holder of example ${name}`, async () => {
    const mine = presentSdJwt(readVector(`sd-jwt-vc/${name}/sd_jwt_issuance.txt`), { disclose: DISCLOSED[name]! });
    const theirs = parseSdJwt(readVector(`sd-jwt-vc/${name}/sd_jwt_presentation.txt`));
    assert.deepEqual(new Set(parseSdJwt(mine).disclosures), new Set(theirs.disclosures));
    if (name === '02') return;
    // Our own KB-JWT over our presentation verifies and gives the same claims.
    const kbJwt = await createKbJwt({
      sdJwtWithoutKb: mine,
      holderSigner: settings.holderSigner,
      nonce: kb.nonce,
      aud: kb.aud,
      iat: KB_IAT,
    });
    const result = await verifySdJwtVc(mine + kbJwt, { resolveIssuerKey, clock, skewSeconds: 0, kb });
    assert.deepEqual(result.payload, readVectorJson(`sd-jwt-vc/${name}/verified_contents.json`));
  });
}
