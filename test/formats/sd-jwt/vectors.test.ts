/** RFC 9901 examples (test/fixtures/vectors/sd-jwt): signatures, processed claims, KB-JWTs. */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../../src/clock.js';
import { parseCompactJws } from '../../../src/formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../../../src/formats/jose/verify-compact-jws.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import { verifyKbJwt } from '../../../src/formats/sd-jwt/verify-kb-jwt.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { readVector, readVectorJson } from '../helpers.js';
import { vectorSettings } from '../vector-keys.js';

const settings = await vectorSettings('sd-jwt');

async function verifyIssuerJwt(jwt: string) {
  return verifyCompactJws(parseCompactJws(jwt), { resolveKey: () => ({ jwk: settings.issuerJwk, alg: 'ES256' }) });
}

for (const name of ['simple', 'arf-pid']) {
  test(`verifies the issuance of RFC 9901 example "${name}" and discloses every user claim`, async () => {
    const parts = parseSdJwt(readVector(`sd-jwt/${name}/sd_jwt_issuance.txt`));
    assert.equal(parts.kbJwt, undefined);
    assert.equal(parts.jwt, readVector(`sd-jwt/${name}/sd_jwt_jws_part.txt`));
    const { payload } = await verifyIssuerJwt(parts.jwt);
    assert.deepEqual(payload, readVectorJson(`sd-jwt/${name}/sd_jwt_payload.json`));
    const { claims } = processDisclosures(payload, parts.disclosures);
    const { iss, iat, exp, vct, cnf } = payload;
    const plain = Object.fromEntries(Object.entries({ iss, iat, exp, vct, cnf }).filter(([, v]) => v !== undefined));
    assert.deepEqual(claims, { ...readVectorJson<JsonObject>(`sd-jwt/${name}/user_claims.json`), ...plain });
  });

  test(`verifies the presentation of RFC 9901 example "${name}" with its KB-JWT`, async () => {
    const text = readVector(`sd-jwt/${name}/sd_jwt_presentation.txt`);
    const parts = parseSdJwt(text);
    assert.equal(parts.kbJwt, readVector(`sd-jwt/${name}/kb_jwt_serialized.txt`));
    const { payload } = await verifyIssuerJwt(parts.jwt);
    const { claims } = processDisclosures(payload, parts.disclosures);
    assert.deepEqual(claims, readVectorJson(`sd-jwt/${name}/verified_contents.json`));
    const kbPayload = readVectorJson<{ iat: number }>(`sd-jwt/${name}/kb_jwt_payload.json`);
    const kb = await verifyKbJwt(parts.kbJwt!, {
      holderJwk: settings.holderJwk,
      sdJwtWithoutKb: parts.sdJwtWithoutKb,
      nonce: settings.nonce,
      aud: settings.verifier,
      clock: fixedClock(kbPayload.iat * 1000 + 5000),
      maxAgeSeconds: 300,
      skewSeconds: 0,
    });
    assert.deepEqual(kb.payload, kbPayload);
    assert.deepEqual(kb.header, readVectorJson(`sd-jwt/${name}/kb_jwt_header.json`));
  });
}
