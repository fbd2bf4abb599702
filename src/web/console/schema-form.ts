/**
 * A form generated from a credential type's claims JSON Schema (the subset the catalogue's
 * meta-schema allows: strings with formats, patterns and enums, numbers, booleans, nested
 * objects, arrays). Values live in a plain object keyed like the claims; `validate` checks the
 * same rules in the browser (messages per JSON pointer) so most mistakes are caught before the
 * server, which checks again and whose `invalid_claims` pointers are shown on the same fields.
 */
import type { JsonSchema } from '../shared/catalog.js';
import { field, h } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { hasFinalConsonant } from '../../verdict/particle.js';
import { FIELD_MESSAGES, schemaErrorKo } from '../../verdict/field-messages.js';
// The server's own rule for free-text claims (the same module; a type may allow them, find-unsafe-text.ts).
import { hasUnsafeCharacters } from '../../verdict/unsafe-text.js';
import { mediaField } from './media-field.js';

export type Draft = Record<string, unknown>;
export type Errors = Map<string, string>;
/** The hint of a claim path (`a.b`, `a[]`) in the language shown, given the schema's English description. */
export type HintOf = (path: string, schemaDescription: string | undefined) => string | undefined;
const englishHint: HintOf = (_path, description) => description;

const pointer = (path: readonly string[]) => path.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function getAt(draft: Draft, path: readonly string[]): unknown {
  let cur: unknown = draft;
  for (const p of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function setAt(draft: Draft, path: readonly string[], value: unknown): void {
  let cur = draft;
  for (const p of path.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Draft;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** Arrays are edited as JSON text; this keeps the text while it is being typed. */
const arrayText = new Map<string, string>();

export function schemaForm(
  schema: JsonSchema,
  draft: Draft,
  errors: Errors,
  labelOf: (path: string) => string,
  hintOf: HintOf = englishHint,
): HTMLElement {
  arrayText.clear();
  return h('div', { class: 'schema-form' }, objectFields(schema, [], draft, errors, labelOf, hintOf));
}

function objectFields(
  schema: JsonSchema,
  path: string[],
  draft: Draft,
  errors: Errors,
  labelOf: (path: string) => string,
  hintOf: HintOf,
): HTMLElement[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const p = [...path, name];
    const label = `${labelOf(p.join('.'))}${required.has(name) ? ' *' : ''}`;
    const ptr = pointer(p);
    const err = errors.get(ptr);
    const hint = hintOf(p.join('.'), s.description);
    if (s.type === 'object') {
      return h(
        'fieldset',
        {},
        h('legend', {}, label),
        hint ? h('p', { class: 'hint' }, hint) : null,
        objectFields(s, p, draft, errors, labelOf, hintOf),
        err ? h('p', { class: 'field-error' }, err) : null,
      );
    }
    if (s.contentMediaType && s.type === 'string')
      return mediaField(s, {
        label,
        pointer: ptr,
        required: required.has(name),
        value: getAt(draft, p),
        ...(hint && { hint }),
        ...(err && { error: err }),
        onChange: (v) => setAt(draft, p, v),
      });
    const control = controlFor(s, p, draft);
    control.setAttribute('data-pointer', ptr);
    if (required.has(name)) control.setAttribute('aria-required', 'true');
    return field(label, control, { ...(hint && { hint }), ...(err && { error: err }) });
  });
}

function controlFor(s: JsonSchema, p: string[], draft: Draft): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const value = getAt(draft, p);
  if (s.type === 'boolean') {
    const box = h('input', {
      type: 'checkbox',
      checked: value === true,
      on: { change: (e) => setAt(draft, p, (e.target as HTMLInputElement).checked) },
    });
    if (value === undefined) setAt(draft, p, false);
    return box;
  }
  if (s.enum || s.const !== undefined) {
    const options = s.enum ?? [s.const as string | number];
    return h(
      'select',
      {
        on: {
          change: (e) => {
            const v = (e.target as HTMLSelectElement).value;
            setAt(draft, p, v === '' ? undefined : s.type === 'integer' || s.type === 'number' ? Number(v) : v);
          },
        },
      },
      h('option', { value: '' }, t('선택…', 'Choose…')),
      options.map((o) => h('option', { value: String(o), selected: value === o }, String(o))),
    );
  }
  if (s.type === 'array') {
    const text = value === undefined ? '' : JSON.stringify(value);
    arrayText.set(pointer(p), text);
    return h('textarea', {
      rows: 3,
      class: 'mono',
      spellcheck: 'false',
      value: text,
      on: {
        input: (e) => {
          const raw = (e.target as HTMLTextAreaElement).value;
          arrayText.set(pointer(p), raw);
          try {
            setAt(draft, p, raw.trim() === '' ? undefined : JSON.parse(raw));
          } catch {
            setAt(draft, p, raw); // validate() reports it
          }
        },
      },
    });
  }
  if (s.type === 'integer' || s.type === 'number') {
    return h('input', {
      type: 'number',
      value: typeof value === 'number' ? value : '',
      step: s.type === 'integer' ? '1' : 'any',
      on: {
        input: (e) => {
          const v = (e.target as HTMLInputElement).value;
          setAt(draft, p, v === '' ? undefined : Number(v));
        },
      },
    });
  }
  return h('input', {
    type: s.format === 'date' ? 'date' : 'text',
    maxlength: s.maxLength,
    value: typeof value === 'string' ? value : '',
    autocomplete: 'off',
    on: { input: (e) => setString(draft, p, (e.target as HTMLInputElement).value) },
  });
}

const setString = (draft: Draft, p: string[], v: string) => setAt(draft, p, v === '' ? undefined : v.normalize('NFC'));

const isDate = (v: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** Checks a draft against the schema; returns messages by JSON pointer (empty = valid). */
/** The server's Korean sentence for a schema keyword (src/verdict/field-messages.ts), so the form and the API say one thing. */
const ko = (keyword: string, params: Record<string, unknown>): string => schemaErrorKo({ keyword, params });

export function validate(schema: JsonSchema, draft: Draft, hintOf: HintOf = englishHint): Errors {
  const errors: Errors = new Map();
  const walk = (s: JsonSchema, value: unknown, path: string[], required: boolean, allowUnsafe = false) => {
    const ptr = pointer(path);
    allowUnsafe ||= s['x-allow-control-characters'] === true;
    const hint = hintOf(path.join('.'), s.description);
    if (value === undefined) {
      if (required) errors.set(ptr, t(FIELD_MESSAGES.required.ko, 'Required.'));
      return;
    }
    if (s.type === 'object') {
      const req = new Set(s.required ?? []);
      for (const [name, child] of Object.entries(s.properties ?? {}))
        walk(child, getAt(draft, [...path, name]), [...path, name], req.has(name), allowUnsafe);
      return;
    }
    if (s.const !== undefined && value !== s.const)
      errors.set(
        ptr,
        t(`${String(s.const)}${hasFinalConsonant(String(s.const)) ? '이어야' : '여야'} 합니다.`, `Must be ${String(s.const)}.`),
      );
    else if (s.enum && !s.enum.includes(value as string)) errors.set(ptr, t('목록에서 고르십시오.', 'Choose from the list.'));
    else if (s.type === 'string') {
      const v = String(value);
      // Said as such, not as "not in the expected form" by the claim's pattern.
      if (!allowUnsafe && !s.contentMediaType && hasUnsafeCharacters(v))
        errors.set(ptr, t(FIELD_MESSAGES.unsafeText.ko, 'Must not contain control, format or bidirectional characters.'));
      else if (s.minLength !== undefined && [...v].length < s.minLength)
        errors.set(ptr, t(ko('minLength', { limit: s.minLength }), `At least ${s.minLength} characters.`));
      else if (s.maxLength !== undefined && [...v].length > s.maxLength)
        errors.set(ptr, t(ko('maxLength', { limit: s.maxLength }), `At most ${s.maxLength} characters.`));
      else if (s.format === 'date' && !isDate(v)) errors.set(ptr, t(ko('format', { format: 'date' }), 'Not a date (YYYY-MM-DD).'));
      else if (s.pattern && s.contentMediaType && !safeTest(s.pattern, v))
        errors.set(ptr, t('사진 파일이 올바르지 않습니다. 다른 파일을 고르십시오.', 'The photo file is not valid; choose another.'));
      else if (s.pattern && !safeTest(s.pattern, v))
        errors.set(ptr, t('형식이 맞지 않습니다.', 'Not in the expected form.') + (hint ? ` ${hint}` : ''));
    } else if (s.type === 'integer' || s.type === 'number') {
      const n = value as number;
      if (typeof n !== 'number' || Number.isNaN(n) || (s.type === 'integer' && !Number.isInteger(n)))
        errors.set(ptr, t('숫자를 입력하십시오.', 'Enter a number.'));
      else if (s.minimum !== undefined && n < s.minimum) errors.set(ptr, t(ko('minimum', { limit: s.minimum }), `At least ${s.minimum}.`));
      else if (s.maximum !== undefined && n > s.maximum) errors.set(ptr, t(ko('maximum', { limit: s.maximum }), `At most ${s.maximum}.`));
    } else if (s.type === 'array') {
      if (!Array.isArray(value)) errors.set(ptr, t('JSON 배열이어야 합니다 (예: [ … ]).', 'Must be a JSON array ([ … ]).'));
      else if (s.minItems !== undefined && value.length < s.minItems)
        errors.set(ptr, t(ko('minItems', { limit: s.minItems }), `At least ${s.minItems} items.`));
      else if (s.maxItems !== undefined && value.length > s.maxItems)
        errors.set(ptr, t(ko('maxItems', { limit: s.maxItems }), `At most ${s.maxItems} items.`));
    }
  };
  walk(schema, draft, [], true);
  return errors;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // the server checks with its own engine
  }
}
