import { Writable } from 'node:stream';

/** A pino destination that keeps every line written, for tests that read the logs back. */
export function logSink(): { stream: Writable; text(): string; lines(): string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text, lines: () => text.split('\n').filter(Boolean) };
}
