/**
 * The one ajv set-up of the catalogue: JSON Schema 2020-12, every error reported (so a caller
 * sees every bad field at once), strict mode (a typo in a schema keyword fails at boot, not in
 * production), and the standard formats (`date` checks real calendar dates).
 */
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { _, str, type CodeKeywordDefinition, type KeywordCxt } from 'ajv/dist/2020.js';

// Both packages are CommonJS with an `exports.default`; under NodeNext the default import is the
// whole module object, so the class and the plugin are taken from `.default`.
const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

export type Ajv = InstanceType<typeof Ajv2020>;
export type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * A string's length in code points, as JSON Schema counts it (a surrogate pair is one character).
 * Why not ajv's own: its `ucs2length` walks the string one UTF-16 unit at a time, ~3 µs per KB
 * (issue 22: 45 µs for a 15 KB portrait, four times per flow: min and max, at the offer and again
 * at the credential request). A string without surrogates is as long as it looks, and V8 answers
 * that test at once for a one-byte string; only a string with one is walked. A lone surrogate
 * counts as one, as in ajv.
 */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * `maxLength` and `minLength` with `codePointLength`, in place of ajv's (its `unicode` option
 * would count surrogate pairs as two instead): the same generated check with our count, run where
 * ajv runs its own (before `pattern`), with ajv's errors word for word, `propertyName` included.
 */
const lengthLimit = (keyword: 'maxLength' | 'minLength'): CodeKeywordDefinition => ({
  keyword,
  type: 'string',
  schemaType: 'number',
  $data: true,
  before: 'pattern',
  error: {
    message: ({ schemaCode }) => str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
    params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
  },
  code(cxt: KeywordCxt) {
    const length = _`${cxt.gen.scopeValue('func', { ref: codePointLength })}(${cxt.data})`;
    cxt.fail$data(keyword === 'maxLength' ? _`${length} > ${cxt.schemaCode}` : _`${length} < ${cxt.schemaCode}`);
  },
});

/**
 * `strictRequired: false` is for the meta-schema only, whose `if`/`then` rules require members
 * declared beside them (ajv cannot see that); claims schemas keep it on, so a required claim
 * missing from `properties` fails at boot.
 */
export function createAjv(options: { strictRequired?: boolean } = {}): Ajv {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: options.strictRequired ?? true });
  addFormats(ajv);
  for (const keyword of ['maxLength', 'minLength'] as const) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword(lengthLimit(keyword));
  }
  // Our one annotation keyword (find-unsafe-text.ts reads it; ajv only has to accept it in strict mode).
  ajv.addKeyword({ keyword: 'x-allow-control-characters', schemaType: 'boolean' });
  return ajv;
}
