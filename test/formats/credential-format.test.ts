/**
 * The CredentialFormat contract, held against both adapters with real keys and real signatures:
 * each builds a credential, parses it back, and reports its issuer, type, time, status reference,
 * holder key and claims; each refuses the other's credential; the registry finds the format of a
 * presentation, and a format without an adapter is refused with the codes callers already use.
 */
import { describe, it, beforeAll } from 'vitest';
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import { isAppError } from '../../src/errors.js';
import type { CredentialFormat, IssuableType } from '../../src/formats/credential-format.js';
import type { KeyResolver } from '../../src/formats/jose/types.js';
import {
  CREDENTIAL_FORMATS,
  credentialFormat,
  DEFAULT_FORMAT,
  detectPresentationFormat,
  verificationFormat,
} from '../../src/formats/registry.js';
import { mdocFormat } from '../../src/formats/mdoc/adapter.js';
import { sdJwtVcFormat } from '../../src/formats/sd-jwt-vc/adapter.js';
import { createKbJwt } from '../../src/formats/sd-jwt/create-kb-jwt.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { vcJwtFormat } from '../../src/formats/vc-jwt/adapter.js';
import type { Signer } from '../../src/keys/signer.js';
import { resolveType } from '../../src/issuance/issue-credential.js';
import { resolveConfiguration } from '../../src/issuance/build-issuer-metadata.js';
import { shippedCatalog } from '../catalog/temp-catalog.js';
import { code, newSigner, publicPart } from './helpers.js';

const ISSUER = 'https://issuer.example';
const STATUS = { idx: 4711, uri: 'https://issuer.example/status/3' };
const ISSUED_AT = Date.UTC(2026, 0, 1, 9); // on the hour, as issuance rounds it
const EXPIRES_AT = Date.UTC(2027, 0, 1, 9);
const TYPE: IssuableType = {
  id: 'driver-license',
  vct: 'https://issuer.example/vct/driver-license',
  selectivelyDisclosable: ['family_name', 'age_over_19'],
};
const CLAIMS = { family_name: '홍', age_over_19: true, licence_number: '11-22-333333-44' };
const clockAt = (ms: number) => ({ now: () => ms });
const during = { clock: clockAt(ISSUED_AT + 86_400_000), skewSeconds: 0 };

let issuer: Signer;
let holder: Signer;
let holderJwk: JWK;
const resolveIssuerKey: KeyResolver = ({ kid, alg }) => (kid === issuer.kid ? { jwk: issuer.publicJwk, alg } : undefined);

beforeAll(async () => {
  issuer = (await newSigner('ES256')).signer;
  const h = await newSigner('ES256');
  holder = h.signer;
  holderJwk = publicPart(h.privateJwk);
});

const build = (format: CredentialFormat) =>
  format.buildCredential({
    issuer: ISSUER,
    type: TYPE,
    claims: { ...CLAIMS },
    issuedAt: ISSUED_AT,
    expiresAt: EXPIRES_AT,
    holderJwk,
    status: STATUS,
    signer: issuer,
  });

/** What each adapter must report for the credential it built; `other` is the format that must refuse it. */
const cases: { format: CredentialFormat; other: CredentialFormat; type: string; boundKey: boolean; disclosed: string[] }[] = [
  { format: sdJwtVcFormat, other: vcJwtFormat, type: TYPE.vct, boundKey: true, disclosed: ['family_name', 'age_over_19'] },
  { format: vcJwtFormat, other: sdJwtVcFormat, type: 'DriverLicense', boundKey: false, disclosed: [] },
];

for (const { format, other, type, boundKey, disclosed } of cases) {
  describe(`the ${format.id} adapter`, () => {
    it('builds a credential that the registry detects as its own and the other format refuses', async () => {
      const text = await build(format);
      const detected = detectPresentationFormat(text);
      assert.equal(detected.format, format);
      assert.notEqual(format.parsePresentation(text), undefined);
      assert.equal(other.parsePresentation(text), undefined);
    });

    it('reports issuer, type, status reference and the claims a policy sees, after a real signature check', async () => {
      const parsed = format.parsePresentation(await build(format))!;
      format.checkHeader(parsed);
      assert.equal(format.issuer(parsed), ISSUER);
      await format.verifyIssuerSignature(parsed, resolveIssuerKey);
      assert.equal(format.credentialType(parsed), type);
      const OTHER = { id: 'resident-id', vct: 'https://issuer.example/vct/resident-id' };
      const index = (types: { id: string; vct: string }[]) => ({ types, getByVct: (vct: string) => types.find((t) => t.vct === vct) });
      assert.deepEqual(format.catalogTypeIds(parsed, type, index([OTHER, TYPE])), [TYPE.id]);
      assert.deepEqual(format.catalogTypeIds(parsed, type, index([OTHER])), []);
      assert.deepEqual(format.statusReference(parsed), STATUS);
      const { claims, disclosedPaths } = format.disclosedClaims(parsed);
      assert.equal(claims.family_name, '홍');
      assert.equal(claims.age_over_19, true);
      assert.deepEqual(disclosedPaths.map((p) => p.join('.')).sort(), [...disclosed].sort());
    });

    it('refuses a signature by another key and a credential past its validity', async () => {
      const parsed = format.parsePresentation(await build(format))!;
      const stranger = (await newSigner('ES256')).signer;
      await assert.rejects(
        format.verifyIssuerSignature(parsed, ({ alg }) => ({ jwk: stranger.publicJwk, alg })),
        code('jws_signature_invalid'),
      );
      assert.throws(() => format.checkTime(parsed, { clock: clockAt(EXPIRES_AT + 1000), skewSeconds: 0 }), code('jwt_expired'));
      format.checkTime(parsed, during);
    });

    it(boundKey ? 'reports the holder key from cnf and needs a KB-JWT' : 'reports no holder key to bind to', async () => {
      const binding = format.holderBinding(format.parsePresentation(await build(format))!);
      if (!boundKey) {
        assert.equal(binding, undefined);
        return;
      }
      assert.deepEqual(binding?.holderJwk, holderJwk);
      assert.equal(binding?.proof, undefined);
      assert.throws(() => {
        throw binding!.missingProof();
      }, code('kb_jwt_missing'));
    });

    it('writes its configuration into the issuer metadata and reads its configuration id back', () => {
      const id = format.configurationId(TYPE.id);
      assert.equal(format.typeIdOfConfiguration(id), TYPE.id);
      const metadata = format.configurationMetadata(TYPE, { signingAlgs: ['ES256'], proofSigningAlgs: ['ES256', 'EdDSA'] });
      assert.equal(metadata.format, format.id === 'vc+jwt' ? 'jwt_vc_json' : 'dc+sd-jwt');
      assert.equal('proof_types_supported' in metadata, format.keyBound);
    });
  });
}

describe('the SD-JWT VC holder binding', () => {
  it('verifies a KB-JWT signed by the cnf key over the verifier nonce and refuses one for another nonce', async () => {
    const sdJwt = await build(sdJwtVcFormat);
    const iat = Math.floor(during.clock.now() / 1000);
    const kb = await createKbJwt({
      sdJwtWithoutKb: sdJwt,
      holderSigner: holder,
      nonce: 'n-0123456789abcdefghijkl',
      aud: 'https://verifier.example',
      iat,
    });
    const binding = sdJwtVcFormat.holderBinding(sdJwtVcFormat.parsePresentation(`${sdJwt}${kb}`)!)!;
    assert.equal(binding.proof?.claimedNonce(), 'n-0123456789abcdefghijkl');
    const expect = { aud: 'https://verifier.example', maxAgeSeconds: 300, ...during };
    assert.deepEqual(await binding.proof!.verify({ ...expect, nonce: 'n-0123456789abcdefghijkl' }), { iat });
    await assert.rejects(binding.proof!.verify({ ...expect, nonce: 'another-nonce-0123456789' }), code('kb_jwt_nonce_mismatch'));
  });

  it('refuses a KB-JWT on a credential without cnf', async () => {
    const unbound = await sdJwtVcFormat.buildCredential({
      issuer: ISSUER,
      type: TYPE,
      claims: { ...CLAIMS },
      issuedAt: ISSUED_AT,
      expiresAt: EXPIRES_AT,
      status: STATUS,
      signer: issuer,
    });
    const kb = await createKbJwt({ sdJwtWithoutKb: unbound, holderSigner: holder, nonce: 'n', aud: 'a', iat: 0 });
    assert.throws(() => sdJwtVcFormat.holderBinding(sdJwtVcFormat.parsePresentation(`${unbound}${kb}`)!), code('kb_jwt_no_cnf'));
  });
});

describe('the format registry', () => {
  it('lists one adapter per format id, SD-JWT VC first and by default', () => {
    assert.deepEqual(
      CREDENTIAL_FORMATS.map((f) => f.id),
      ['dc+sd-jwt', 'vc+jwt', 'mso_mdoc'],
    );
    assert.equal(DEFAULT_FORMAT, 'dc+sd-jwt');
    assert.equal(credentialFormat('dc+sd-jwt'), sdJwtVcFormat);
    assert.equal(credentialFormat('vc+jwt'), vcJwtFormat);
    assert.equal(credentialFormat('mso_mdoc'), mdocFormat);
    // Issued and verified: one adapter joins both halves.
    assert.equal(verificationFormat('mso_mdoc'), mdocFormat);
    assert.equal(verificationFormat('dc+sd-jwt'), sdJwtVcFormat);
  });

  it('holds the mdoc adapter with every member of its verification half, whose code loads on first use', async () => {
    const { mdocVerification } = await import('../../src/formats/mdoc/verification-adapter.js');
    for (const [member, value] of Object.entries(mdocVerification))
      assert.equal(typeof mdocFormat[member as keyof typeof mdocFormat], typeof value, member);
    assert.equal(mdocFormat.loadParser?.('eyJhbGciOiJFUzI1NiJ9.e30.c2ln~'), undefined);
  });

  it('refuses what no adapter recognises with the codes the parse check always used', async () => {
    assert.throws(() => detectPresentationFormat(''), code('sd_jwt_malformed'));
    assert.throws(() => detectPresentationFormat('not.a.jws'), code('jws_malformed'));
    // The issuer-signed JWT of an SD-JWT VC, sent bare: `typ` dc+sd-jwt is not a VC-JWT, and no SD-JWT lacks `~`.
    const { jwt } = parseSdJwt(await build(sdJwtVcFormat));
    assert.throws(() => detectPresentationFormat(jwt), code('sd_jwt_malformed'));
  });

  it('refuses to issue a format the type does not list, or an unknown one, as unsupported_format', async () => {
    const catalog = await shippedCatalog();
    assert.ok(!catalog.get('local-tax-payment')!.formats.includes('mso_mdoc'), 'only the mobile IDs are mdoc types');
    assert.throws(
      () => resolveType(catalog, null, 'local-tax-payment', 'mso_mdoc'),
      (e: unknown) => isAppError(e) && e.code === 'unsupported_format' && e.status === 400,
    );
    assert.equal(resolveType(catalog, null, 'driver-license', 'mso_mdoc').adapter, mdocFormat);
    for (const format of ['jwt_vc_json', 'x']) {
      assert.throws(
        () => resolveType(catalog, null, 'driver-license', format),
        (e: unknown) => isAppError(e) && e.code === 'unsupported_format' && e.status === 400,
      );
    }
    assert.equal(resolveType(catalog, null, 'driver-license', undefined).adapter, sdJwtVcFormat);
  });

  it('resolves configuration ids through the adapters, and no other', async () => {
    const catalog = await shippedCatalog();
    const vcType = catalog.types.find((t) => t.formats.includes('vc+jwt'))!;
    assert.equal(resolveConfiguration(catalog, vcType.id)?.format, 'dc+sd-jwt');
    assert.deepEqual(resolveConfiguration(catalog, `${vcType.id}-vc-jwt`), {
      id: `${vcType.id}-vc-jwt`,
      type: vcType,
      format: 'vc+jwt',
      keyBound: false,
    });
    assert.equal(resolveConfiguration(catalog, `${vcType.id}-mso-mdoc`), undefined);
  });
});
