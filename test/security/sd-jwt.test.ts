/**
 * SECURITY.md "SD-JWT / SD-JWT VC": serialisation, Disclosure rules (RFC 9901 §7.1 steps 3–5),
 * SD-JWT VC registered claims and trust. Every credential here is really signed by our issuer
 * and every KB-JWT by the real holder, so only the rule under test is broken. Checks after key
 * binding consume the presentation's nonce (replay protection runs before the Disclosure rules),
 * so those cases expect exactly one consumed nonce besides the receipt.
 */
import {
  b64,
  b64json,
  counter,
  credentialParts,
  disclosure,
  disclosureOf,
  kbJwt,
  present,
  reissue,
  type Json,
  type JsonObj,
  type SecurityCase,
} from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';
import type { ExpectedChanges } from './support/state-snapshot.js';

const AFTER_BINDING: ExpectedChanges = { consumed_nonces: { added: 1 } };

/**
 * Re-signs the fixture credential after `mutate` (which may add Disclosures by pushing their
 * digests) and presents it with the original Disclosures plus `extra`, under a valid KB-JWT.
 */
async function crafted(f: SecurityFixture, mutate: (p: JsonObj, sd: string[]) => void, extra: string[] = [], keep = true) {
  const jwt = await reissue(f, (_h, p) => mutate(p, p._sd as string[]));
  const disclosures = [...(keep ? credentialParts(f).disclosures : []), ...extra];
  return counter(f, await present(f, { jwt, disclosures }));
}
/** A Disclosure referenced from the top-level `_sd`. */
function withDisclosure(elements: Json[] | string, extraMutate?: (p: JsonObj) => void) {
  return (f: SecurityFixture) => {
    const d = disclosure(elements);
    return crafted(
      f,
      (p, sd) => {
        sd.push(d.digest);
        extraMutate?.(p);
      },
      [d.encoded],
    );
  };
}
/** The fixture credential as issued, with these Disclosures presented instead (KB-JWT over them). */
const presentedWith = (disclosures: (f: SecurityFixture) => string[]) => async (f: SecurityFixture) =>
  counter(f, await present(f, { disclosures: disclosures(f) }));
const rule = (name: string, code: string, request: SecurityCase['request'], changes: ExpectedChanges = AFTER_BINDING): SecurityCase => ({
  name,
  request,
  status: 200,
  verdict: true,
  code,
  changes,
});
const typCase = (typ: string | undefined): SecurityCase =>
  rule(
    `rejects typ ${JSON.stringify(typ)} (only dc+sd-jwt)`,
    'sd_jwt_vc_bad_typ',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (h) => {
            if (typ === undefined) delete h.typ;
            else h.typ = typ;
          }),
        }),
      ),
    {},
  );
/** A claim moved from the signed payload into a Disclosure. */
const movedToDisclosure = (claim: string, code: string, changes: ExpectedChanges = AFTER_BINDING) =>
  rule(
    `rejects ${claim} delivered as a Disclosure`,
    code,
    async (f) => {
      const value = credentialParts(f).payload[claim] as Json;
      const d = disclosure(['salt-salt-salt-salt', claim, value]);
      return crafted(
        f,
        (p, sd) => {
          delete p[claim];
          sd.push(d.digest);
        },
        [d.encoded],
      );
    },
    changes,
  );

const cases: SecurityCase[] = [
  // Serialisation.
  rule(
    'rejects an SD-JWT without its trailing ~ (the last Disclosure is read as a KB-JWT)',
    'jws_malformed',
    (f) => counter(f, f.credential.slice(0, -1)),
    {},
  ),
  rule('rejects a bare JWT where an SD-JWT is required', 'sd_jwt_malformed', (f) => counter(f, credentialParts(f).jwt), {}),
  rule(
    'rejects an empty Disclosure (~~)',
    'sd_jwt_malformed',
    async (f) => counter(f, `${credentialParts(f).jwt}~~${credentialParts(f).disclosures[0]}~`),
    {},
  ),
  rule('rejects an SD-JWT that is only ~', 'sd_jwt_malformed', (f) => counter(f, '~'), {}),
  typCase('vc+sd-jwt'),
  typCase('DC+SD-JWT'),
  typCase('JWT'),
  typCase('application/dc+sd-jwt'),
  typCase('dc+sd-jwt '),
  typCase(undefined),
  // Digests and Disclosures that do not match up.
  rule('rejects a Disclosure not referenced by any digest', 'sd_jwt_unreferenced_disclosure', (f) =>
    crafted(f, () => {}, [disclosure(['salt-salt-salt-salt', 'nickname', 'x']).encoded]),
  ),
  rule(
    'rejects the same Disclosure twice',
    'sd_jwt_duplicate_disclosure',
    presentedWith((f) => [disclosureOf(f, 'family_name'), disclosureOf(f, 'family_name')]),
  ),
  rule('rejects a digest twice in _sd', 'sd_jwt_duplicate_digest', (f) => {
    const d = disclosure(['s-s-s-s-s-s-s-s', 'nickname', 'x']);
    return crafted(
      f,
      (_p, sd) => {
        sd.push(d.digest, d.digest);
      },
      [d.encoded],
    );
  }),
  rule('rejects a decoy digest twice in _sd', 'sd_jwt_duplicate_digest', (f) =>
    crafted(f, (_p, sd) => {
      sd.push('decoy-digest-decoy-digest-decoy-digest-abc', 'decoy-digest-decoy-digest-decoy-digest-abc');
    }),
  ),
  rule('rejects a decoy digest both in _sd and in an array', 'sd_jwt_duplicate_digest', (f) =>
    crafted(f, (p, sd) => {
      sd.push('decoy-digest-decoy-digest-decoy-digest-xyz');
      p.list = [{ '...': 'decoy-digest-decoy-digest-decoy-digest-xyz' }];
    }),
  ),
  rule('rejects a digest used in two nested objects', 'sd_jwt_duplicate_digest', (f) => {
    const d = disclosure(['s-s-s-s-s-s-s-s', 'n', 'x']);
    return crafted(
      f,
      (p) => {
        p.a = { _sd: [d.digest] };
        p.b = { _sd: [d.digest] };
      },
      [d.encoded],
    );
  }),
  // Reserved and colliding names.
  rule('rejects a Disclosure named _sd', 'sd_jwt_reserved_claim_name', withDisclosure(['salt-salt-salt-salt', '_sd', ['x']])),
  rule('rejects a Disclosure named ...', 'sd_jwt_reserved_claim_name', withDisclosure(['salt-salt-salt-salt', '...', 'x'])),
  rule('rejects a Disclosure named _sd_alg', 'sd_jwt_reserved_claim_name', withDisclosure(['salt-salt-salt-salt', '_sd_alg', 'sha-256'])),
  rule(
    'rejects a Disclosure that collides with a plain claim',
    'sd_jwt_claim_collision',
    withDisclosure(['salt-salt-salt-salt', 'nickname', 'mallory'], (p) => {
      p.nickname = 'alice';
    }),
  ),
  rule('rejects two Disclosures of the same name', 'sd_jwt_claim_collision', (f) => {
    const a = disclosure(['salt-a-salt-a-salt-a', 'family_name', 'Kim']);
    return crafted(
      f,
      (_p, sd) => {
        sd.push(a.digest);
      },
      [a.encoded],
    );
  }),
  // Wrong shapes.
  rule('rejects a 2-element Disclosure referenced from _sd', 'sd_jwt_disclosure_wrong_shape', withDisclosure(['salt-salt-salt-salt', 'x'])),
  rule('rejects a 3-element Disclosure referenced from an array', 'sd_jwt_disclosure_wrong_shape', (f) => {
    const d = disclosure(['salt-salt-salt-salt', 'name', 'x']);
    return crafted(
      f,
      (p) => {
        p.list = [{ '...': d.digest }];
      },
      [d.encoded],
    );
  }),
  rule('rejects _sd that is a string', 'sd_jwt_invalid_sd_array', (f) =>
    crafted(f, (p) => {
      p.nested = { _sd: 'abc' };
    }),
  ),
  rule('rejects _sd holding a number', 'sd_jwt_invalid_sd_array', (f) =>
    crafted(f, (p, sd) => {
      (sd as Json[]).push(42);
    }),
  ),
  rule('rejects _sd that is an object', 'sd_jwt_invalid_sd_array', (f) =>
    crafted(f, (p) => {
      p.nested = { _sd: { a: 'b' } };
    }),
  ),
  rule('rejects {"...": digest} with another member', 'sd_jwt_invalid_array_digest', (f) =>
    crafted(f, (p) => {
      p.list = [{ '...': 'abc', x: 1 }];
    }),
  ),
  rule('rejects "..." outside an array', 'sd_jwt_invalid_array_digest', (f) =>
    crafted(f, (p) => {
      p.nested = { '...': 'abc' };
    }),
  ),
  rule('rejects a non-string "..." digest', 'sd_jwt_invalid_array_digest', (f) =>
    crafted(f, (p) => {
      p.list = [{ '...': 7 }];
    }),
  ),
  rule('rejects _sd_alg SHA-256 (case matters)', 'sd_jwt_bad_sd_alg', (f) =>
    crafted(f, (p) => {
      p._sd_alg = 'SHA-256';
    }),
  ),
  rule('rejects _sd_alg sha-512 (not supported)', 'sd_jwt_bad_sd_alg', (f) =>
    crafted(f, (p) => {
      p._sd_alg = 'sha-512';
    }),
  ),
  rule('rejects _sd_alg md5', 'sd_jwt_bad_sd_alg', (f) =>
    crafted(f, (p) => {
      p._sd_alg = 'md5';
    }),
  ),
  rule('rejects _sd_alg that is not a string', 'sd_jwt_bad_sd_alg', (f) =>
    crafted(f, (p) => {
      p._sd_alg = ['sha-256'];
    }),
  ),
  rule('rejects _sd_alg inside a nested object', 'sd_jwt_bad_sd_alg', (f) =>
    crafted(f, (p) => {
      p.nested = { _sd_alg: 'sha-256', a: 1 };
    }),
  ),
  // Disclosures that do not decode.
  rule(
    'rejects a Disclosure with a "+" (not base64url)',
    'sd_jwt_disclosure_malformed',
    presentedWith((f) => [`${disclosureOf(f, 'family_name').slice(0, -1)}+`]),
  ),
  rule(
    'rejects a padded Disclosure',
    'sd_jwt_disclosure_malformed',
    presentedWith((f) => [`${disclosureOf(f, 'family_name')}=`]),
  ),
  rule(
    'rejects a Disclosure of invalid UTF-8',
    'sd_jwt_disclosure_malformed',
    withDisclosure(b64(Buffer.concat([Buffer.from('["salt-salt-salt","n","'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"]')]))),
  ),
  rule(
    'rejects a Disclosure with a byte order mark',
    'sd_jwt_disclosure_malformed',
    withDisclosure(b64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('["salt-salt-salt","n","v"]')]))),
  ),
  rule(
    'rejects a Disclosure that is an object',
    'sd_jwt_disclosure_malformed',
    withDisclosure(b64json({ salt: 's', name: 'n', value: 'v' })),
  ),
  rule('rejects a Disclosure that is not JSON', 'sd_jwt_disclosure_malformed', withDisclosure(b64('salt,n,v'))),
  rule('rejects a 1-element Disclosure', 'sd_jwt_disclosure_malformed', withDisclosure(['salt-salt-salt-salt'])),
  rule('rejects a 4-element Disclosure', 'sd_jwt_disclosure_malformed', withDisclosure(['salt-salt-salt-salt', 'n', 'v', 'w'])),
  rule('rejects a Disclosure whose salt is a number', 'sd_jwt_disclosure_malformed', withDisclosure([12345678, 'n', 'v'])),
  rule('rejects a Disclosure whose salt is null', 'sd_jwt_disclosure_malformed', withDisclosure([null, 'n', 'v'])),
  rule('rejects a Disclosure whose claim name is a number', 'sd_jwt_disclosure_malformed', withDisclosure(['salt-salt-salt-salt', 1, 'v'])),
  rule(
    'rejects a Disclosure value with duplicate member names',
    'sd_jwt_disclosure_malformed',
    withDisclosure(b64('["salt-salt-salt","address",{"a":1,"a":2}]')),
  ),
  // SD-JWT VC registered claims are never Disclosures; vct is required; trust.
  movedToDisclosure('iss', 'sd_jwt_vc_iss_missing', {}),
  movedToDisclosure('vct', 'sd_jwt_vc_vct_missing', {}),
  movedToDisclosure('exp', 'sd_jwt_vc_claim_not_disclosable'),
  movedToDisclosure('status', 'sd_jwt_vc_claim_not_disclosable'),
  movedToDisclosure('cnf', 'kb_jwt_no_cnf', {}),
  rule(
    'rejects nbf delivered as a Disclosure',
    'sd_jwt_vc_claim_not_disclosable',
    withDisclosure(['salt-salt-salt-salt', 'nbf', 1_700_000_000]),
  ),
  rule('rejects a Disclosure nested under cnf', 'sd_jwt_vc_claim_not_disclosable', (f) => {
    const d = disclosure(['salt-salt-salt-salt', 'kid', 'x']);
    return crafted(
      f,
      (p) => {
        (p.cnf as JsonObj)._sd = [d.digest];
      },
      [d.encoded],
    );
  }),
  rule(
    'rejects a credential without vct',
    'sd_jwt_vc_vct_missing',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            delete p.vct;
          }),
        }),
      ),
    {},
  ),
  rule(
    'rejects a vct that is not a string',
    'sd_jwt_vc_vct_missing',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            p.vct = ['x'];
          }),
        }),
      ),
    {},
  ),
  rule(
    'rejects an issuer not on the trust list, even for a type we know',
    'untrusted_issuer',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            p.iss = 'https://issuer.example';
          }),
        }),
      ),
    {},
  ),
  rule(
    'rejects an issuer that differs from ours only by a trailing slash',
    'untrusted_issuer',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            p.iss = `${f.issuer}/`;
          }),
        }),
      ),
    {},
  ),
  rule(
    'rejects a cnf without a jwk',
    'sd_jwt_vc_cnf_invalid',
    async (f) =>
      counter(
        f,
        await present(f, {
          jwt: await reissue(f, (_h, p) => {
            p.cnf = { jkt: 'abc' };
          }),
        }),
      ),
    {},
  ),
  rule(
    'rejects a KB-JWT when cnf holds a symmetric key',
    'jws_key_invalid',
    async (f) => {
      const jwt = await reissue(f, (_h, p) => {
        p.cnf = { jwk: { kty: 'oct', k: b64('secret') } };
      });
      const sd = `${jwt}~${credentialParts(f).disclosures.join('~')}~`;
      return counter(f, sd + (await kbJwt(f, sd)));
    },
    {},
  ),
];

runSecurityCases('SD-JWT / SD-JWT VC', cases);
