/**
 * Which Disclosures a holder presents for a claims path pointer: exactly the claims selected, the
 * Disclosures they hang from, and nothing else. Run for every holder in the project — the shared
 * module itself, the server-side holder (`presentSdJwt`, pointers and dotted names, as the CLI
 * wallet passes them) and the browser wallet's own SD-JWT code — so none can drift from another.
 * The privacy bug this guards: an index in a requested path (`['nationalities', 1]`) once
 * disclosed the whole array.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClaimPathPointer } from '../../../src/formats/claim-path/claim-path-pointer.js';
import { toClaimPathName } from '../../../src/formats/claim-path/claim-path-name.js';
import { selectDisclosures } from '../../../src/formats/claim-path/select-disclosures.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { indexDisclosures } from '../../../src/formats/sd-jwt/decode-disclosure.js';
import { issueSdJwt } from '../../../src/formats/sd-jwt/issue-sd-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import { jwtPayload, newSigner } from '../helpers.js';

const { signer } = await newSigner();
const claims: JsonObject = {
  given_name: '영수',
  address: { locality: '서울', street_address: '세종대로 110' },
  nationalities: ['KR', 'US', 'JP'],
  driving_privileges: [
    { vehicle_category_code: 'B', issue_date: '1985-03-12' },
    { vehicle_category_code: 'A', issue_date: '1990-07-01' },
  ],
};
const { sdJwt } = await issueSdJwt({
  header: {},
  payload: claims,
  disclosable: [
    'given_name',
    'address',
    'address.locality',
    'address.street_address',
    'nationalities[]',
    'driving_privileges',
    'driving_privileges[]',
    'driving_privileges[].vehicle_category_code',
  ],
  // Decoys at random places in the arrays: an index counts the holder's elements, never decoys.
  padTo: { nationalities: 7, driving_privileges: 5 },
  signer,
});
const issued = parseSdJwt(sdJwt);

/** The browser wallet's module, loaded as the page loads it (imported by path: it is typed against the DOM). */
interface WebSdJwt {
  decodeSdJwt(text: string): Promise<unknown>;
  selectDisclosures(sd: unknown, pointers: readonly ClaimPathPointer[]): string;
}
const web = (await import(
  pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'web', 'wallet', 'sd-jwt.ts')).href
)) as WebSdJwt;
const webDecoded = await web.decodeSdJwt(sdJwt);

const holders: [string, (pointers: ClaimPathPointer[]) => string][] = [
  [
    'the shared claim-path module',
    (pointers) => {
      const { disclosures } = selectDisclosures(jwtPayload(issued.jwt), indexDisclosures(issued.disclosures), pointers);
      return `${issued.jwt}~${issued.disclosures
        .filter((d) => disclosures.has(d))
        .map((d) => `${d}~`)
        .join('')}`;
    },
  ],
  ['the server-side holder (presentSdJwt with pointers)', (pointers) => presentSdJwt(sdJwt, { disclose: pointers })],
  ['the CLI wallet (presentSdJwt with dotted names)', (pointers) => presentSdJwt(sdJwt, { disclose: pointers.map(toClaimPathName) })],
  ['the web wallet (src/web/wallet/sd-jwt.ts)', (pointers) => web.selectDisclosures(webDecoded, pointers)],
];

/** What a verifier sees, and how many Disclosures it got. */
const seen = (presentation: string) => {
  const parts = parseSdJwt(presentation);
  return { claims: processDisclosures(jwtPayload(parts.jwt), parts.disclosures).claims, count: parts.disclosures.length };
};

const cases: [string, ClaimPathPointer[], JsonObject, number][] = [
  ['one array element by index, not the whole array', [['nationalities', 1]], { nationalities: ['US'] }, 1],
  ['the last element by index, counting held elements and never decoys', [['nationalities', 2]], { nationalities: ['JP'] }, 1],
  [
    'two indexed elements',
    [
      ['nationalities', 0],
      ['nationalities', 2],
    ],
    { nationalities: ['KR', 'JP'] },
    2,
  ],
  ['every element for null', [['nationalities', null]], { nationalities: ['KR', 'US', 'JP'] }, 3],
  [
    'a member of one indexed element, with the array and that element it hangs from',
    [['driving_privileges', 0, 'vehicle_category_code']],
    { driving_privileges: [{ vehicle_category_code: 'B', issue_date: '1985-03-12' }] },
    3,
  ],
  [
    'the second element only',
    [['driving_privileges', 1]],
    { driving_privileges: [{ vehicle_category_code: 'A', issue_date: '1990-07-01' }] },
    3,
  ],
  [
    'a member of every element',
    [['driving_privileges', null, 'vehicle_category_code']],
    { driving_privileges: claims.driving_privileges! },
    5,
  ],
  ['a nested member with its parent, not its sibling', [['address', 'locality']], { address: { locality: '서울' } }, 2],
  ['a whole object with everything beneath it', [['address']], { address: claims.address! }, 3],
  ['nothing for an index past the end', [['nationalities', 3]], { nationalities: [] }, 0],
  ['nothing for a path through a string (§7.1.1 step 2.1 error)', [['given_name', 'x']], { nationalities: [] }, 0],
  ['nothing for an index into an object (§7.1.1 step 2.3 error)', [['address', 0]], { nationalities: [] }, 0],
  ['nothing for a claim the credential lacks', [['birth_date']], { nationalities: [] }, 0],
];

for (const [holder, present] of holders) {
  describe(`disclosures chosen by ${holder}`, () => {
    for (const [what, pointers, expected, count] of cases) {
      it(`discloses ${what}: ${JSON.stringify(pointers)}`, () => {
        const got = seen(present(pointers));
        // `nationalities` itself is plain (only its elements are selectively disclosable): always there.
        assert.deepEqual(got.claims, { nationalities: [], ...expected });
        assert.equal(got.count, count);
      });
    }

    it('keeps the issued order of the Disclosures', () => {
      const chosen = parseSdJwt(present([['nationalities', 2], ['given_name'], ['nationalities', 0]])).disclosures;
      assert.equal(chosen.length, 3);
      assert.deepEqual(
        chosen,
        issued.disclosures.filter((d) => chosen.includes(d)),
      );
    });
  });
}

it('reports pointers that select nothing', () => {
  const { missing } = selectDisclosures(jwtPayload(issued.jwt), indexDisclosures(issued.disclosures), [
    ['nationalities', 1],
    ['nationalities', 9],
    ['given_name', 0],
  ]);
  assert.deepEqual(missing, [
    ['nationalities', 9],
    ['given_name', 0],
  ]);
});
