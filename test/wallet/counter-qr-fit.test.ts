/** The CLI wallet's counter QR: a choice that does not fit says so in Korean and English, never in the QR library's words. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { counterQrVersion, renderCounterQr } from '../../src/wallet/create-counter-qr.js';
import { isAppError } from '../../src/errors.js';

describe('counter QR fit', () => {
  it('gives the version of a presentation that fits', () => {
    assert.equal(counterQrVersion('x'.repeat(100)), 5);
  });

  it('refuses a presentation past version 40 with qr_too_large, offering fewer claims or the small engagement QR', async () => {
    const big = 'x'.repeat(3500);
    for (const attempt of [() => counterQrVersion(big), () => renderCounterQr(big, 'svg')]) {
      await assert.rejects(
        async () => attempt(),
        (e) => {
          assert.ok(isAppError(e));
          assert.equal(e.code, 'qr_too_large');
          assert.equal(e.status, 400);
          assert.match(e.message, /QR 하나에 담기지 않습니다/);
          assert.match(e.message, /do not fit in one QR \(3500 bytes\)/);
          assert.match(e.message, /--disclose age_over_19/);
          assert.match(e.message, /dproof wallet engage/);
          assert.doesNotMatch(e.message, /amount of data is too big/i);
          return true;
        },
      );
    }
  });
});
