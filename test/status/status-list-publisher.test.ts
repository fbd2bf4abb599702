/**
 * The publisher re-signs a cached status list token when the node's signing key changes, and
 * keeps serving the cached token while the node has no signer at all (no active key, HSM away):
 * a verifier can still check statuses then, as before the key-change check existed.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { unavailable } from '../../src/errors.js';
import type { Signer } from '../../src/keys/signer.js';
import { StatusListPublisher } from '../../src/status/status-list-publisher.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { issueViaApi } from '../presentation/helpers.js';
import { createTestSigner } from './test-signer.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';

const kidOf = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;

describe('status list publisher and the node signer', () => {
  let t: TestApp;
  let listId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const { credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', undefined, 'vc+jwt');
    const payload = JSON.parse(Buffer.from(credential.split('.')[1]!, 'base64url').toString()) as {
      status: { status_list: { uri: string } };
    };
    listId = new URL(payload.status.status_list.uri).pathname.split('/').pop()!;
  });
  afterAll(() => t?.close());

  it('re-signs with a new key, and serves the cached token while there is no signer', async () => {
    const first = await createTestSigner();
    const second = await createTestSigner();
    let current: Signer | undefined = first;
    const publisher = new StatusListPublisher(t.runtime.store, t.clock, {
      publicUrl: t.config.publicUrl,
      ttlSeconds: 60,
      validitySeconds: 3600,
      signer: () =>
        current ??
        (() => {
          throw unavailable('no_active_key', 'no active key');
        })(),
    });
    const a = await publisher.get(listId);
    assert.equal(kidOf(a.token), first.kid);
    current = second;
    const b = await publisher.get(listId);
    assert.equal(kidOf(b.token), second.kid, 'a key change re-signs at once');
    current = undefined;
    const c = await publisher.get(listId);
    assert.equal(c.token, b.token, 'without a signer the cached token is still served');
  });

  it('does not serve, after a change made here, a token whose build read the statuses before it', async () => {
    const signer = await createTestSigner();
    // The real store, with the statuses read held until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const store = t.runtime.store;
    const slowStore = {
      ...store,
      credentials: {
        ...store.credentials,
        nonZeroStatuses: async (id: string) => {
          const rows = await store.credentials.nonZeroStatuses(id);
          await held;
          return rows;
        },
      },
    } as typeof store;
    const publisher = new StatusListPublisher(slowStore, t.clock, {
      publicUrl: t.config.publicUrl,
      ttlSeconds: 60,
      validitySeconds: 3600,
      signer: () => signer,
    });
    const { id } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', undefined, 'vc+jwt');
    const row = await store.db
      .selectFrom('credentials')
      .select(['status_list', 'status_idx'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const statusOf = async (p: Promise<{ token: string }>) => {
      const payload = JSON.parse(Buffer.from((await p).token.split('.')[1]!, 'base64url').toString()) as {
        status_list: { lst: string; bits: number };
      };
      return StatusList.decode(payload.status_list.lst, payload.status_list.bits).get(row.status_idx);
    };
    const before = publisher.get(row.status_list); // its build reads the statuses before the change
    await new Promise((r) => setImmediate(r));
    await store.db.updateTable('credentials').set({ status: 1 }).where('id', '=', id).execute();
    publisher.invalidate(row.status_list); // what a status change made on this node does
    const after = publisher.get(row.status_list);
    release();
    assert.equal(await statusOf(before), 0);
    assert.equal(await statusOf(after), 1, 'a read after the change does not join the build that began before it');
    assert.equal(await statusOf(publisher.get(row.status_list)), 1, 'nor is that build cached');
  });
});
