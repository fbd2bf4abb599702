import stringWidth from 'string-width';
import type { CliIo } from './io.js';

/** How CLI commands print: JSON for machines (--json), aligned text for people. */
export interface Output {
  json: boolean;
  data(value: unknown, human: () => string): void;
  warn(message: string): void;
}

export const createOutput = (json: boolean, io: Pick<CliIo, 'stdout' | 'stderr'>): Output => ({
  json,
  data(value, human) {
    io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  },
  warn(message) {
    io.stderr.write(`warning: ${message}\n`);
  },
});

/** Aligned text table; `headings` renames a column's heading (default: its key in capitals). */
export function table(rows: Record<string, unknown>[], columns: string[], headings: Record<string, string> = {}): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  // Columns line up by terminal cells, not UTF-16 units: a Hangul syllable takes two cells.
  const heads = columns.map((c) => headings[c] ?? c.toUpperCase());
  const widths = columns.map((c, i) => Math.max(stringWidth(heads[i] ?? ''), ...cells.map((row) => stringWidth(row[i] ?? ''))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v + ' '.repeat(Math.max(0, (widths[i] ?? 0) - stringWidth(v))))
      .join('  ')
      .trimEnd();
  return [line(heads), ...cells.map(line)].join('\n');
}
