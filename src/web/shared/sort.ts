/** Lists in the order of the language shown: Korean names in 가나다 order, English ones alphabetically. */
import { currentLang } from './i18n.js';

/** A copy of `items` sorted by the name each has in the current language. */
export function byName<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  const collator = new Intl.Collator(currentLang(), { numeric: true, sensitivity: 'base' });
  return [...items].sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
}
