/**
 * The one ajv set-up of the catalogue: JSON Schema 2020-12, every error reported (so a caller
 * sees every bad field at once), strict mode (a typo in a schema keyword fails at boot, not in
 * production), and the standard formats (`date` checks real calendar dates).
 */
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// Both packages are CommonJS with an `exports.default`; under NodeNext the default import is the
// whole module object, so the class and the plugin are taken from `.default`.
const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

export type Ajv = InstanceType<typeof Ajv2020>;
export type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * `strictRequired: false` is for the meta-schema only, whose `if`/`then` rules require members
 * declared beside them (ajv cannot see that); claims schemas keep it on, so a required claim
 * missing from `properties` fails at boot.
 */
export function createAjv(options: { strictRequired?: boolean } = {}): Ajv {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: options.strictRequired ?? true });
  addFormats(ajv);
  // Our one annotation keyword (find-unsafe-text.ts reads it; ajv only has to accept it in strict mode).
  ajv.addKeyword({ keyword: 'x-allow-control-characters', schemaType: 'boolean' });
  return ajv;
}
