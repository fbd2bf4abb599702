import { test, describe } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  MAX_STATUS_LIST_ENTRIES,
  maxStatusListBytes,
  STATUS_LIST_BITS,
  StatusList,
  type StatusListBits,
} from '../../src/formats/status-list/status-list-codec.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID, statusName } from '../../src/formats/status-list/status-list-status-types.js';

interface ExampleFixture {
  bits: StatusListBits;
  lst: string;
  byteArrayHex: string;
  compressedHex: string;
  statuses: number[];
}
interface VectorFixture {
  bits: StatusListBits;
  size: number;
  lst: string;
  statuses: Record<string, number>;
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/status-list/${name}`, import.meta.url), 'utf8')) as T;

const assertCode = (fn: () => unknown, code: string) => assert.throws(fn, (e: unknown) => (e as { code?: string }).code === code);

describe('status list examples of §4.1', () => {
  for (const name of ['example-1bit.json', 'example-2bit.json']) {
    const ex = fixture<ExampleFixture>(name);

    test(`decodes ${name} to the statuses and byte array the draft lists`, () => {
      const list = StatusList.decode(ex.lst, ex.bits);
      assert.equal(Buffer.from(list.toBytes()).toString('hex'), ex.byteArrayHex);
      assert.equal(Buffer.from(ex.lst, 'base64url').toString('hex'), ex.compressedHex);
      ex.statuses.forEach((status, i) => assert.equal(list.get(i), status, `index ${i}`));
    });

    test(`encodes the statuses of ${name} to exactly the draft's lst`, () => {
      const list = new StatusList(ex.statuses.length, ex.bits);
      ex.statuses.forEach((status, i) => list.set(i, status));
      assert.equal(list.encode(), ex.lst);
    });
  }
});

describe('status list test vectors of the appendix', () => {
  for (const bits of [1, 2, 4, 8] as const) {
    const vector = fixture<VectorFixture>(`vector-${bits}bit.json`);

    test(`decodes the ${bits}-bit vector to the listed statuses and zero everywhere else`, () => {
      const list = StatusList.decode(vector.lst, vector.bits);
      assert.equal(list.size, vector.size);
      for (let i = 0; i < list.size; i++) assert.equal(list.get(i), vector.statuses[String(i)] ?? 0, `index ${i}`);
    });

    test(`round-trips the ${bits}-bit vector through our encoder`, () => {
      const ours = new StatusList(vector.size, vector.bits);
      for (const [i, status] of Object.entries(vector.statuses)) ours.set(Number(i), status);
      const reread = StatusList.decode(ours.encode(), vector.bits);
      assert.deepEqual(reread.toBytes(), StatusList.decode(vector.lst, vector.bits).toBytes());
    });
  }
});

describe('bit order and mutation', () => {
  test('puts index 0 in the least significant bits of byte 0', () => {
    const one = new StatusList(16, 1);
    one.set(0, 1);
    one.set(15, 1);
    assert.deepEqual([...one.toBytes()], [0x01, 0x80]);
    const two = new StatusList(4, 2);
    two.set(3, 3);
    assert.deepEqual([...two.toBytes()], [0xc0]);
  });

  test('rounds the size up to whole bytes and refuses a size below one', () => {
    assert.equal(new StatusList(10, 1).size, 16);
    assert.equal(new StatusList(3, 8).size, 3);
    for (const size of [0, -8, 2.5]) assertCode(() => new StatusList(size, 1), 'status_list_malformed');
  });

  test('sets one entry without touching its neighbours, for any bits and values', () => {
    const arb = fc
      .constantFrom<StatusListBits>(1, 2, 4, 8)
      .chain((bits) => fc.tuple(fc.constant(bits), fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { minLength: 1, maxLength: 200 })));
    fc.assert(
      fc.property(arb, ([bits, values]) => {
        const list = new StatusList(values.length, bits);
        values.forEach((v, i) => list.set(i, v));
        const reread = StatusList.decode(list.encode(), bits);
        values.forEach((v, i) => assert.equal(reread.get(i), v));
      }),
    );
  });

  test('names the registered status types', () => {
    assert.deepEqual([STATUS_VALID, STATUS_INVALID, STATUS_SUSPENDED].map(statusName), ['VALID', 'INVALID', 'SUSPENDED']);
    assert.equal(statusName(3), 'APPLICATION_SPECIFIC');
    assert.equal(statusName(0x0d), 'APPLICATION_SPECIFIC');
    assert.equal(statusName(4), 'RESERVED');
  });
});

describe('strict decoding', () => {
  const good = 'eNrbuRgAAhcBXQ';

  test('rejects bits other than 1, 2, 4, 8 with status_list_bad_bits', () => {
    for (const bits of [0, 3, 16, '1', undefined, 1.5]) assertCode(() => StatusList.decode(good, bits), 'status_list_bad_bits');
    assertCode(() => new StatusList(8, 3 as StatusListBits), 'status_list_bad_bits');
  });

  test('rejects lst that is not canonical unpadded base64url with status_list_malformed', () => {
    for (const lst of ['', 'eNrb+RgAAhcBXQ', 'eNrb/RgAAhcBXQ', `${good}==`, 'e', 'eNrbuRgAAhcBXR', 'eNrb uRgAAhcBXQ', 42, null]) {
      assertCode(() => StatusList.decode(lst, 1), 'status_list_malformed');
    }
  });

  test('rejects a corrupt, raw-DEFLATE, gzip or truncated stream with status_list_bad_compression', () => {
    const bytes = Buffer.from(good, 'base64url');
    const corrupt = Buffer.from(bytes);
    corrupt[3] ^= 0xff;
    const candidates = [corrupt, deflateRawSync(Buffer.from([0xb9, 0xa3])), gzipSync(Buffer.from([0xb9, 0xa3])), bytes.subarray(0, 6)];
    for (const c of candidates) assertCode(() => StatusList.decode(c.toString('base64url'), 1), 'status_list_bad_compression');
  });

  test('rejects bytes after the ZLIB stream and an empty list with status_list_malformed', () => {
    const trailing = Buffer.concat([Buffer.from(good, 'base64url'), Buffer.from([0, 1, 2])]);
    assertCode(() => StatusList.decode(trailing.toString('base64url'), 1), 'status_list_malformed');
    assertCode(() => StatusList.decode(deflateSync(Buffer.alloc(0)).toString('base64url'), 1), 'status_list_malformed');
  });

  test('refuses an inflation bomb with status_list_too_large', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 }).toString('base64url');
    assertCode(() => StatusList.decode(bomb, 1), 'status_list_too_large');
    assertCode(() => StatusList.decode(new StatusList(1024 * 8 + 8, 1).encode(), 1, { maxBytes: 1024 }), 'status_list_too_large');
    assert.equal(StatusList.decode(new StatusList(1024 * 8, 1).encode(), 1, { maxBytes: 1024 }).size, 8192);
  });

  test('caps the inflated size by bits: at most 2^24 entries, so 2 MiB for one bit and 16 MiB for eight', () => {
    assert.equal(MAX_STATUS_LIST_ENTRIES, 2 ** 24);
    for (const bits of STATUS_LIST_BITS) {
      const cap = maxStatusListBytes(bits);
      assert.equal(cap, (2 ** 24 * bits) / 8);
      // Exactly the cap decodes; one byte more is refused, whatever the caller's own maxBytes.
      assert.equal(StatusList.decode(deflateSync(Buffer.alloc(cap)).toString('base64url'), bits).size, 2 ** 24);
      const over = deflateSync(Buffer.alloc(cap + 1)).toString('base64url');
      assertCode(() => StatusList.decode(over, bits), 'status_list_too_large');
      assertCode(() => StatusList.decode(over, bits, { maxBytes: cap * 4 }), 'status_list_too_large');
    }
  });

  test('rejects indices outside the list with status_index_out_of_range', () => {
    const list = new StatusList(16, 1);
    for (const i of [-1, 16, 1.5, Number.NaN]) {
      assertCode(() => list.get(i), 'status_index_out_of_range');
      assertCode(() => list.set(i, 0), 'status_index_out_of_range');
    }
  });

  test('rejects values that do not fit in bits with status_value_out_of_range', () => {
    assertCode(() => new StatusList(8, 1).set(0, 2), 'status_value_out_of_range');
    assertCode(() => new StatusList(4, 2).set(0, 4), 'status_value_out_of_range');
    assertCode(() => new StatusList(4, 2).set(0, -1), 'status_value_out_of_range');
    assertCode(() => new StatusList(1, 8).set(0, 256), 'status_value_out_of_range');
  });
});

test('reports the encoded size of a 131,072-entry 2-bit list', () => {
  const size = 131_072;
  const empty = new StatusList(size, 2);
  // A seeded generator (mulberry32), so the figure is the same on every run.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const sparse = new StatusList(size, 2);
  let set = 0;
  for (let i = 0; i < size; i++) {
    if (random() < 0.01) {
      sparse.set(i, random() < 0.8 ? STATUS_INVALID : STATUS_SUSPENDED);
      set++;
    }
  }
  const emptyLst = empty.encode();
  const sparseLst = sparse.encode();
  console.log(`2-bit, ${size} entries (${size / 4} bytes raw), all VALID: lst ${emptyLst.length} chars`);
  console.log(
    `2-bit, ${size} entries, ${set} (${((100 * set) / size).toFixed(2)}%) INVALID/SUSPENDED at random: lst ${sparseLst.length} chars (${Buffer.from(sparseLst, 'base64url').length} compressed bytes)`,
  );
  assert.deepEqual(StatusList.decode(sparseLst, 2).toBytes(), sparse.toBytes());
});
