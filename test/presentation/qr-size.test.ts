/**
 * How big is a counter QR? For each ID type of the catalogue, a presentation with typical
 * disclosures (no portrait: portraits never go in a QR) and a KB-JWT, encoded as a byte-mode QR
 * at error correction L and M, and the smallest useful one (an age check: `age_over_19` only).
 * The README documents the measured numbers. Findings: typical ID presentations are 2.2–3.1 kB
 * (QR version 35 to beyond 40), far past what a phone reads reliably from another phone's screen
 * (about version 25 at level L, 1,273 bytes); the issuer-signed JWT alone is 1.5–2.1 kB because
 * of the decoy digests that hide which optional claims a holder has. So this test holds the hard
 * limit (every age check fits a QR at level L) and records the rest.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { counterOf, counterPresent, generateHolderKey, issueViaApi } from './helpers.js';

/** Largest QR symbol there is; the practical phone-to-phone limit (~25) is documented, not asserted. */
export const QR_VERSION_LIMIT = 40;

const TYPICAL: Record<string, string[]> = {
  'resident-id': ['family_name', 'given_name', 'birth_date', 'age_over_19'],
  'driver-license': ['family_name', 'given_name', 'birth_date', 'document_number', 'driving_privileges', 'age_over_19'],
  'civil-servant-id': ['family_name', 'given_name', 'organization', 'position_title'],
  'foreign-resident-id': ['family_name', 'given_name', 'birth_date', 'nationality', 'status_of_stay', 'period_of_stay_end'],
};

describe('counter QR size for the ID types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'https://verify.gov.example.kr' } });
  });
  afterAll(async () => t?.close());

  for (const [typeId, disclose] of Object.entries(TYPICAL)) {
    it(`${typeId}: measures a presentation of ${disclose.join(', ')}, and an age check fits a QR at level L`, async () => {
      const holder = await generateHolderKey();
      const { credential } = await issueViaApi(t, await t.apiKey('issuer'), typeId, holder);
      const aud = counterOf(t.app, await t.apiKey('verifier'));
      const measure = async (names: string[]) => {
        const { presentation } = await counterPresent(credential, holder, aud, names);
        const version = (level: 'L' | 'M') => {
          try {
            return QRCode.create(presentation, { errorCorrectionLevel: level }).version;
          } catch {
            return Infinity; // more than a version-40 QR holds
          }
        };
        const [jwt] = presentation.split('~');
        process.stdout.write(
          `# qr-size ${typeId} [${names.join(',')}]: ${presentation.length} bytes (issuer JWT ${jwt!.length}), version ${version('L')} (L) / ${version('M')} (M)\n`,
        );
        return { presentation, l: version('L') };
      };
      const { presentation } = await measure(disclose);
      const { l } = await measure(['age_over_19']);
      assert.ok(!presentation.includes('_9j_'), 'no portrait in a QR');
      assert.ok(l <= QR_VERSION_LIMIT, `an age check needs version ${l}`);
    });
  }
});
