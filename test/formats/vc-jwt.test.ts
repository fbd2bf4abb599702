import { test, describe, beforeAll } from 'vitest';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { fixedClock } from '../../src/clock.js';
import { buildVcJwtPayload, issueVcJwt, type IssueVcJwtInput } from '../../src/formats/vc-jwt/issue-vc-jwt.js';
import { parseVcJwt } from '../../src/formats/vc-jwt/parse-vc-jwt.js';
import { signCompactJws } from '../../src/formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../../src/formats/jose/types.js';
import { readStatusReference } from '../../src/formats/status-list/status-list-reference.js';
import { createTestSigner, type TestSigner } from '../status/test-signer.js';

const clock = fixedClock(Date.UTC(2025, 5, 1, 12, 0, 0, 250));
const STATUS = { idx: 4711, uri: 'https://issuer.example/status/3' };
let signer: TestSigner;
beforeAll(async () => {
  signer = await createTestSigner();
});

const input = (over: Partial<IssueVcJwtInput> = {}): IssueVcJwtInput => ({
  issuer: 'https://issuer.example',
  id: 'urn:uuid:0b5a1c4e-4a3e-4d43-9d5e-8a4f0f6b3c11',
  types: ['UniversityDegreeCredential'],
  validFrom: new Date(Date.UTC(2025, 5, 1, 12, 0, 0, 999)),
  validUntil: '2030-06-01T00:00:00Z',
  credentialSubject: { id: 'did:example:holder', degree: { type: 'BachelorDegree', name: 'Bachelor of Science' } },
  credentialStatus: STATUS,
  signer,
  clock,
  ...over,
});
const assertCode = (fn: () => unknown, code: string) => assert.throws(fn, (e: unknown) => (e as { code?: string }).code === code);

/** Signs an arbitrary header / claims set, to feed the parser what our issuer never would. */
const forge = (payload: Record<string, unknown>, typ = 'vc+jwt') => signCompactJws({ typ }, payload as JsonObject, signer);
const validClaims = () => ({ ...buildVcJwtPayload(input()) }) as Record<string, unknown>;

describe('issuing a VC-JWT', () => {
  test('round-trips: parseVcJwt returns the credential we built', async () => {
    const token = await issueVcJwt(input());
    const parsed = parseVcJwt(token);
    assert.deepEqual(parsed.credential, buildVcJwtPayload(input()));
    assert.deepEqual(parsed.header, { typ: 'vc+jwt', alg: 'ES256', kid: signer.kid });
    assert.deepEqual(parsed.statusReference, STATUS);
  });

  test('writes the VCDM 2.0 shape with iat from the clock and exp from validUntil', () => {
    const vc = buildVcJwtPayload(input());
    assert.deepEqual(vc['@context'], ['https://www.w3.org/ns/credentials/v2']);
    assert.deepEqual(vc.type, ['VerifiableCredential', 'UniversityDegreeCredential']);
    assert.equal(vc.validFrom, '2025-06-01T12:00:00Z');
    assert.equal(vc.validUntil, '2030-06-01T00:00:00Z');
    assert.equal(vc.iat, Math.floor(clock.now() / 1000));
    assert.equal(vc.exp, Date.UTC(2030, 5, 1) / 1000);
    assert.equal('vc' in vc || 'nbf' in vc || 'iss' in vc, false);
    const noEnd = buildVcJwtPayload(input({ validUntil: undefined, credentialStatus: undefined }));
    assert.equal('exp' in noEnd || 'validUntil' in noEnd || 'credentialStatus' in noEnd || 'status' in noEnd, false);
  });

  test('points credentialStatus and the status claim at the same Token Status List entry', () => {
    const vc = buildVcJwtPayload(input());
    assert.deepEqual(vc.credentialStatus, {
      id: 'https://issuer.example/status/3#4711',
      type: 'TokenStatusListEntry',
      statusListIndex: '4711',
      statusListCredential: 'https://issuer.example/status/3',
    });
    // The SD-JWT VC status path (draft-ietf-oauth-status-list §6.2) reads the same entry.
    assert.deepEqual(readStatusReference(vc), STATUS);
  });

  test('verifies with jose as a vc+jwt signed by the issuer key', async () => {
    const token = await issueVcJwt(input({ contexts: ['https://www.w3.org/ns/credentials/examples/v2'] }));
    const { payload, protectedHeader } = await jwtVerify(token, signer.publicKey, {
      typ: 'vc+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.kid, signer.kid);
    assert.deepEqual(payload['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2']);
    await assert.rejects(jwtVerify(token, signer.publicKey, { currentDate: new Date(Date.UTC(2030, 5, 2)) }), { code: 'ERR_JWT_EXPIRED' });
  });

  test('refuses bad inputs with the parser codes', () => {
    assertCode(() => buildVcJwtPayload(input({ validFrom: '2025-06-01' })), 'vc_jwt_bad_datetime');
    assertCode(() => buildVcJwtPayload(input({ validFrom: '2031-01-01T00:00:00Z' })), 'vc_jwt_bad_validity_period');
    assertCode(() => buildVcJwtPayload(input({ issuer: 'Example University' })), 'vc_jwt_bad_issuer');
    assertCode(() => buildVcJwtPayload(input({ credentialSubject: {} })), 'vc_jwt_bad_subject');
    assertCode(() => buildVcJwtPayload(input({ credentialStatus: { idx: -1, uri: STATUS.uri } })), 'status_reference_malformed');
  });
});

describe('parsing a VC-JWT', () => {
  test('accepts application/vc+jwt, a single-string @context, an issuer object and other status entries', async () => {
    const claims: Record<string, unknown> = {
      ...validClaims(),
      '@context': 'https://www.w3.org/ns/credentials/v2',
      issuer: { id: 'https://issuer.example', name: 'Example' },
    };
    claims['credentialStatus'] = [{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }, claims['credentialStatus']];
    assert.deepEqual(parseVcJwt(await forge(claims, 'application/vc+jwt')).statusReference, STATUS);
    const { credentialStatus: _, ...onlyClaim } = validClaims();
    assert.deepEqual(parseVcJwt(await forge(onlyClaim)).statusReference, STATUS);
  });

  test('rejects a token that is not a compact JWS of JSON objects with vc_jwt_malformed', async () => {
    const [h, p, s] = (await issueVcJwt(input())).split('.') as [string, string, string];
    const arr = Buffer.from('[]').toString('base64url');
    for (const token of [
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}.${p}.`,
      `${h}.%%.${s}`,
      `${h}.${Buffer.from('{').toString('base64url')}.${s}`,
      `${h}.${arr}.${s}`,
      42,
    ]) {
      assertCode(() => parseVcJwt(token), 'vc_jwt_malformed');
    }
  });

  test('rejects alg none with vc_jwt_bad_alg and a wrong typ with vc_jwt_bad_typ', async () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    assertCode(() => parseVcJwt(`${enc({ alg: 'none', typ: 'vc+jwt' })}.${enc(validClaims())}.c2ln`), 'vc_jwt_bad_alg');
    for (const typ of ['JWT', 'vc+sd-jwt', 'vc+ld+jwt']) {
      const token = await forge(validClaims(), typ);
      assertCode(() => parseVcJwt(token), 'vc_jwt_bad_typ');
    }
  });

  const cases: Array<[string, (c: Record<string, unknown>) => void, string]> = [
    [
      'a vc claim',
      (c) => {
        c['vc'] = {};
      },
      'vc_jwt_legacy_claim',
    ],
    [
      'a v1 @context',
      (c) => {
        c['@context'] = ['https://www.w3.org/2018/credentials/v1'];
      },
      'vc_jwt_bad_context',
    ],
    [
      'no @context',
      (c) => {
        delete c['@context'];
      },
      'vc_jwt_bad_context',
    ],
    [
      'the v2 context second',
      (c) => {
        c['@context'] = ['https://example.com/ctx', 'https://www.w3.org/ns/credentials/v2'];
      },
      'vc_jwt_bad_context',
    ],
    [
      'a type without VerifiableCredential',
      (c) => {
        c['type'] = ['UniversityDegreeCredential'];
      },
      'vc_jwt_bad_type',
    ],
    [
      'an id that is not a URL',
      (c) => {
        c['id'] = 'credential 7';
      },
      'vc_jwt_bad_id',
    ],
    [
      'no issuer',
      (c) => {
        delete c['issuer'];
      },
      'vc_jwt_bad_issuer',
    ],
    [
      'an iss that differs from issuer',
      (c) => {
        c['iss'] = 'https://other.example';
      },
      'vc_jwt_iss_mismatch',
    ],
    [
      'an empty credentialSubject array',
      (c) => {
        c['credentialSubject'] = [];
      },
      'vc_jwt_bad_subject',
    ],
    [
      'a validFrom without time zone',
      (c) => {
        c['validFrom'] = '2025-06-01T12:00:00';
      },
      'vc_jwt_bad_datetime',
    ],
    [
      'a validUntil on 30 February',
      (c) => {
        c['validUntil'] = '2030-02-30T00:00:00Z';
      },
      'vc_jwt_bad_datetime',
    ],
    [
      'validFrom after validUntil',
      (c) => {
        c['validFrom'] = '2030-06-01T00:00:01+00:00';
      },
      'vc_jwt_bad_validity_period',
    ],
    [
      'an iat that is a string',
      (c) => {
        c['iat'] = '1748779200';
      },
      'vc_jwt_bad_claim',
    ],
    [
      'a credentialStatus without type',
      (c) => {
        c['credentialStatus'] = { id: 'https://x.example/1#2' };
      },
      'vc_jwt_bad_status',
    ],
    [
      'a statusListIndex with a leading zero',
      (c) => {
        (c['credentialStatus'] as Record<string, unknown>)['statusListIndex'] = '04711';
      },
      'vc_jwt_bad_status',
    ],
    [
      'a numeric statusListIndex',
      (c) => {
        (c['credentialStatus'] as Record<string, unknown>)['statusListIndex'] = 4711;
      },
      'vc_jwt_bad_status',
    ],
    [
      'two TokenStatusListEntry items',
      (c) => {
        c['credentialStatus'] = [c['credentialStatus'], c['credentialStatus']];
      },
      'vc_jwt_bad_status',
    ],
    [
      'a status claim naming another index',
      (c) => {
        c['status'] = { status_list: { idx: 4712, uri: STATUS.uri } };
      },
      'vc_jwt_status_mismatch',
    ],
    [
      'a malformed status claim',
      (c) => {
        c['status'] = { status_list: { idx: 'x', uri: STATUS.uri } };
      },
      'status_reference_malformed',
    ],
  ];
  for (const [what, mutate, code] of cases) {
    test(`rejects ${what} with ${code}`, async () => {
      const claims = structuredClone(validClaims());
      mutate(claims);
      const token = await forge(claims);
      assertCode(() => parseVcJwt(token), code);
    });
  }

  test('leaves the signature to the caller: the protected header decodes like jose sees it', async () => {
    const token = await issueVcJwt(input());
    const parsed = parseVcJwt(token);
    assert.deepEqual(parsed.header, decodeProtectedHeader(token));
    assert.equal(parsed.signature.length, 64);
    assert.equal(parsed.signingInput, token.split('.').slice(0, 2).join('.'));
  });
});
