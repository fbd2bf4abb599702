/**
 * The service's own mdoc keys, as `dproof keys iaca` and `dproof keys ds` make them: a KR IACA
 * root and a document signer under it, the runtime's keys reloaded. The IACA is returned.
 */
import type { TestApp } from '../helpers/test-app.js';
import { makeDocumentSigner, makeIaca } from '../../src/keys/manage-mdoc-keys.js';

export async function makeMdocIssuerKeys(t: TestApp) {
  const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
  const iaca = await makeIaca(deps, { country: 'KR', commonName: 'test IACA', uri: t.url });
  await makeDocumentSigner(deps, { country: 'KR', commonName: 'test DS', uri: t.url });
  await t.runtime.keys.refresh();
  return iaca;
}
