/**
 * Builds DOM nodes. Text always goes in as text nodes (textContent), never as markup, so a claim
 * value, a verifier name or an error message can never become HTML (the pages also forbid
 * innerHTML outright with Trusted Types in their Content-Security-Policy).
 */
export type Child = Node | string | number | null | undefined | false;
type Handler = (event: Event) => void;
export interface Props {
  [attribute: string]: string | number | boolean | null | undefined | Handler | Record<string, Handler>;
  on?: Record<string, Handler>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'on' && typeof value === 'object' && value !== null) {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined && typeof value !== 'function' && typeof value !== 'object') {
      if (name === 'value' && 'value' in el) (el as HTMLInputElement).value = String(value);
      else el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

let counter = 0;
export const uid = (prefix: string) => `${prefix}-${++counter}`;

/** A labelled input (label above, optional hint and error message tied with aria-describedby). */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  opts: { hint?: string; error?: string } = {},
): HTMLElement {
  control.id ||= uid('f');
  const described: string[] = [];
  const hint = opts.hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, withCode(opts.hint)) : null;
  if (hint) described.push(hint.id);
  const error = opts.error ? h('p', { class: 'field-error', id: `${control.id}-err` }, opts.error) : null;
  if (error) {
    described.push(error.id);
    control.setAttribute('aria-invalid', 'true');
  }
  if (described.length) control.setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint, error);
}

/** A definition list of label → value rows. */
export function rows(items: [string, Child | Child[]][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'rows' },
    items.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, ...(Array.isArray(v) ? v : [v])))),
  );
}

/** Text with `backticked` parts (commands, file names) as <code>, so they read as code, not as words. */
export function withCode(text: string): Child[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', {}, part) : part));
}
