/**
 * A picture claim (a schema string with `contentMediaType`, base64url-encoded, such as the
 * ISO/IEC 18013-5 portrait) as a file picker instead of a text box of base64: the operator picks
 * a photo, the page checks its type (by its first bytes, not only the name) and size against the
 * schema, shows it, and keeps the base64url text in the draft. The server checks again (the
 * schema's pattern and maxLength: `invalid_claims` with the field's pointer).
 */
import { base64url } from 'jose';
import type { JsonSchema } from '../shared/catalog.js';
import { portraitUrl } from '../shared/catalog.js';
import { h, uid } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

/** The first bytes of each picture type the catalogue may ask for. */
const MAGIC: Record<string, number[]> = { 'image/jpeg': [0xff, 0xd8, 0xff], 'image/png': [0x89, 0x50, 0x4e, 0x47] };
const TYPE_NAMES: Record<string, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

/** The largest file whose base64url text (4 characters per 3 bytes) fits the schema's maxLength. */
export const maxBytesOf = (s: JsonSchema) => Math.floor(((s.maxLength ?? 20_000) * 3) / 4);

export interface MediaFieldOptions {
  label: string;
  pointer: string;
  required: boolean;
  /** The catalogue's description of the claim, in the language shown. */
  hint?: string;
  value: unknown;
  error?: string;
  onChange: (value: string | undefined) => void;
}

export function mediaField(s: JsonSchema, o: MediaFieldOptions): HTMLElement {
  const mediaType = s.contentMediaType ?? 'image/jpeg';
  const typeName = TYPE_NAMES[mediaType] ?? mediaType;
  const kb = Math.floor(maxBytesOf(s) / 1024);
  const id = uid('f');
  const input = h('input', { type: 'file', id, accept: mediaType, 'data-pointer': o.pointer });
  if (o.required) input.setAttribute('aria-required', 'true');
  const hint = h(
    'p',
    { class: 'hint', id: `${id}-hint` },
    o.hint ? `${o.hint} ` : '',
    t(`${kb} KB 이하의 ${typeName} 사진 파일을 고르십시오.`, `Choose a ${typeName} photo of at most ${kb} KB.`),
  );
  const error = h('p', { class: 'field-error', id: `${id}-err`, hidden: !o.error }, o.error ?? '');
  const preview = h('img', { class: 'portrait-preview', alt: t('고른 사진', 'The chosen photo'), hidden: true });
  const clear = h('button', { type: 'button', class: 'link', hidden: true }, t('사진 지우기', 'Remove the photo'));

  const show = (value: unknown) => {
    const url = typeof value === 'string' ? portraitUrl(value) : null;
    preview.hidden = url === null;
    clear.hidden = url === null;
    if (url) preview.src = url;
    else preview.removeAttribute('src');
  };
  const setError = (message: string) => {
    error.textContent = message;
    error.hidden = message === '';
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', message ? `${id}-hint ${id}-err` : `${id}-hint`);
  };
  setError(o.error ?? '');
  show(o.value);

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void (async () => {
      if (file.size > maxBytesOf(s)) {
        input.value = '';
        return setError(
          t(
            `사진이 너무 큽니다 (${Math.ceil(file.size / 1024)} KB). ${kb} KB 이하로 줄여 주십시오.`,
            `The photo is too large (${Math.ceil(file.size / 1024)} KB); at most ${kb} KB.`,
          ),
        );
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const magic = MAGIC[mediaType];
      if (magic && !magic.every((b, i) => bytes[i] === b)) {
        input.value = '';
        return setError(t(`${typeName} 사진 파일이 아닙니다.`, `This is not a ${typeName} photo.`));
      }
      const value = base64url.encode(bytes);
      o.onChange(value);
      setError('');
      show(value);
    })();
  });
  clear.addEventListener('click', () => {
    input.value = '';
    o.onChange(undefined);
    show(undefined);
  });

  return h(
    'div',
    { class: 'field media-field' },
    h('label', { for: id }, o.label),
    input,
    hint,
    error,
    h('div', { class: 'row' }, preview, clear),
  );
}
