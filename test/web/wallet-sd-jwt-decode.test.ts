/**
 * The web wallet reads an SD-JWT (src/web/wallet/sd-jwt.ts) once, the same way when it receives
 * one (receive-offer.ts, before keeping it) and when it loads its cards: RFC 9901 §4's
 * `<JWT>~<D1>~…~` with the trailing `~`, every Disclosure a base64url JSON array of 3 or 2
 * members, and every Disclosure's digest referenced exactly once, in the place its shape belongs
 * (§7.1 steps 3–5). What it refuses is an SdJwtUnreadable naming the part (`form` or
 * `disclosure`) in the page's language. The issuer signature is not this module's (receive-offer
 * verifies it), so the JWTs here carry none worth checking.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface WebSdJwt {
  decodeSdJwt(text: string): Promise<{ claims: Record<string, unknown>; disclosures: string[] }>;
  SdJwtUnreadable: new (...args: never[]) => Error & { fault: 'form' | 'disclosure' };
}
// By path: src/web is type-checked against the DOM (src/web/tsconfig.json), not with the tests.
const web = (await import(pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'web', 'wallet', 'sd-jwt.ts')).href)) as WebSdJwt;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const digest = (d: string) => createHash('sha256').update(d).digest('base64url');
const jwt = (payload: Record<string, unknown>) => `${b64({ alg: 'ES256', typ: 'dc+sd-jwt' })}.${b64(payload)}.c2ln`;

const name = b64(['c2FsdDE', 'given_name', '영수']);
const element = b64(['c2FsdDI', 'KR']);
const decoy = digest('decoy');
const payload = { iss: 'https://issuer.example', _sd: [digest(name), decoy], nationalities: [{ '...': digest(element) }, 'JP'] };
const good = `${jwt(payload)}~${name}~${element}~`;

/** `good` plus one more Disclosure, as encoded, referenced from the payload's `_sd`. */
const withEncoded = (d: string): string => `${jwt({ ...payload, _sd: [...payload._sd, digest(d)] })}~${name}~${element}~${d}~`;
const withDisclosure = (json: string): string => withEncoded(Buffer.from(json).toString('base64url'));

/** The base64url of `json` with unused trailing bits set: the same bytes to a lax decoder, another text. */
function nonCanonical(json: string): string {
  const text = Buffer.from(json).toString('base64url');
  assert.notEqual(text.length % 4, 0, 'a text with a partial last group');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out = `${text.slice(0, -1)}${alphabet[alphabet.indexOf(text.at(-1)!) | 1]}`;
  assert.deepEqual(Buffer.from(out, 'base64url'), Buffer.from(text, 'base64url'));
  return out;
}

async function refused(text: string): Promise<'form' | 'disclosure'> {
  try {
    await web.decodeSdJwt(text);
  } catch (err) {
    assert.ok(err instanceof web.SdJwtUnreadable, String(err));
    assert.match(err.message, /[\uAC00-\uD7A3]/, 'said in the page’s language (Korean by default)');
    return err.fault;
  }
  assert.fail(`accepted: ${text}`);
}

describe('the web wallet’s SD-JWT reading', () => {
  it('reads an issued SD-JWT: Disclosures applied where their digests are, decoys and undisclosed elements left out', async () => {
    const sd = await web.decodeSdJwt(good);
    assert.deepEqual(sd.claims, { iss: 'https://issuer.example', given_name: '영수', nationalities: ['KR', 'JP'] });
    assert.deepEqual(sd.disclosures, [name, element]);
    const withoutOne = await web.decodeSdJwt(`${jwt(payload)}~${name}~`);
    assert.deepEqual(withoutOne.claims.nationalities, ['JP']);
    assert.deepEqual((await web.decodeSdJwt(`${jwt({ iss: 'x' })}~`)).claims, { iss: 'x' });
  });

  it('refuses what is not <JWT>~<Disclosures>~ as its form', async () => {
    for (const text of [
      jwt(payload), // no ~ at all
      `${jwt(payload)}~${name}~${element}`, // no trailing ~: a KB-JWT where none belongs
      `${jwt(payload)}~${name}~~${element}~`, // an empty Disclosure
      `~${name}~`, // no JWT
      'a.b.c~', // no readable JWT
      `${jwt({ ...payload, _sd_alg: 'sha-512' })}~${name}~${element}~`, // a hash this wallet does not compute
      `${jwt({ ...payload, _sd: digest(name) })}~${name}~${element}~`, // _sd no array
      `${jwt({ ...payload, nationalities: [{ '...': digest(element), x: 1 }] })}~${name}~${element}~`, // a digest object with more
    ])
      assert.equal(await refused(text), 'form', text);
  });

  it('refuses a Disclosure that does not parse, and one not referenced exactly once where its shape belongs', async () => {
    const cases: [string, string][] = [
      [`${good}${b64(['salt'])}~`, 'one member'],
      [`${good}${b64(['salt', 'a', 'b', 'c'])}~`, 'four members'],
      [`${good}${b64({ salt: 'a' })}~`, 'an object'],
      [`${good}${Buffer.from('not json').toString('base64url')}~`, 'no JSON'],
      [`${good}%%%~`, 'no base64url'],
      [`${good}${b64([1, 'a', 'b'])}~`, 'a salt that is no string'],
      [`${good}${b64(['salt', 1, 'b'])}~`, 'a name that is no string'],
      [`${jwt(payload)}~${name}~${element}~${b64(['c2FsdDM', 'family_name', 'Mallory'])}~`, 'a digest in no _sd'],
      [`${jwt(payload)}~${name}~${name}~${element}~`, 'the same Disclosure twice'],
      [`${jwt({ ...payload, again: { _sd: [digest(name)] } })}~${name}~${element}~`, 'a digest twice in the payload'],
      [`${jwt({ ...payload, _sd: [digest(element)], nationalities: [] })}~${element}~`, 'an array element’s Disclosure in _sd'],
      [`${jwt({ ...payload, _sd: [], nationalities: [{ '...': digest(name) }] })}~${name}~`, 'an object property’s Disclosure in an array'],
      [`${jwt({ iss: 'x', given_name: 'plain', _sd: [digest(name)] })}~${name}~`, 'a disclosed name that is already a claim'],
      [`${jwt({ iss: 'x', _sd: [digest(b64(['s', '_sd', []]))] })}~${b64(['s', '_sd', []])}~`, 'a reserved name'],
      // The server's strict JSON (read-disclosure.ts), which refuses these; the browser's JSON.parse took them.
      [withDisclosure('["c2FsdDM","address",{"street":"A","street":"B"}]'), 'a duplicate member name'],
      [withDisclosure('["c2FsdDM","name","\\ud800"]'), 'a lone surrogate'],
      [withEncoded(nonCanonical('["c2FsdDM","name","x"]')), 'non-canonical base64url (trailing bits set)'],
    ];
    for (const [text, what] of cases) assert.equal(await refused(text), 'disclosure', what);
  });
});
