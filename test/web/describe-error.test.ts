/**
 * describeError (src/web/shared/api.ts), the pages' words for a refusal: a Korean page shows the
 * server's own Korean sentence (it says exactly why), the page's table only where the server's
 * words are not Korean or carry a raw parameter name, and never English in Korean.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// By path: src/web is type-checked against the DOM (src/web/tsconfig.json), not with the tests.
interface ApiModule {
  ApiError: new (status: number, code: string, message: string, body: unknown, inKorean?: boolean) => Error;
  describeError(err: unknown): string;
}
const { ApiError, describeError } = (await import(
  pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'web', 'shared', 'api.ts')).href
)) as ApiModule;
import { FIELD_MESSAGES } from '../../src/verdict/field-messages.js';

const CONTROL = `사유에는 ${FIELD_MESSAGES.unsafeTextOrSeparator.ko}`;

it('shows the server’s Korean refusal instead of the table’s fixed sentence for its code', () => {
  assert.equal(describeError(new ApiError(400, 'invalid_reason', CONTROL, {}, true)), CONTROL);
});

it('uses the table where the server answered in English', () => {
  assert.equal(
    describeError(new ApiError(400, 'invalid_reason', 'reason must not contain control characters', {}, false)),
    '사유를 입력하십시오.',
  );
});

it('uses the table where the server’s Korean names a raw parameter', () => {
  const said = '거래 코드(tx_code)가 맞지 않습니다.';
  assert.equal(
    describeError(new ApiError(400, 'invalid_grant', said, {}, true)),
    '제안이 이미 사용되었거나 만료되었거나, 거래 코드가 틀렸습니다.',
  );
  assert.equal(
    describeError(new ApiError(400, 'invalid_dcql_query', 'DCQL 질의의 claim_sets가 올바르지 않습니다.', {}, true)),
    'DCQL 질의가 올바르지 않습니다.',
  );
});

it('never shows English on a Korean page for a code without words of its own', () => {
  assert.equal(
    describeError(new ApiError(500, 'internal_error', 'boom', {}, false)),
    '요청을 처리하지 못했습니다. 입력한 내용을 확인하고 다시 시도하십시오.',
  );
});
