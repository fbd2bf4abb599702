/**
 * HTTP/1.1 spoken as raw bytes on a real socket, for requests no client library would send (a
 * malformed header, CONNECT, a body that never finishes): what the server wrote, read until it
 * closes the connection.
 */
import { connect } from 'node:net';

/**
 * Writes `bytes` to the server at `url` and resolves with everything it answered (latin1) once it
 * closes the connection (a reset counts as a close). With `end`, our side is closed after the bytes;
 * without, it stays open, as a slow or stalled client's would.
 */
export function rawExchange(url: string, bytes: string | Buffer, opts: { end?: boolean } = {}): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname);
    let received = '';
    s.on('data', (d) => (received += d.toString('latin1')));
    s.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(received) : reject(e)));
    s.on('close', () => resolve(received));
    if (opts.end) s.end(bytes);
    else s.write(bytes);
  });
}

export interface RawAnswer {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** The JSON body, read as UTF-8. */
  body: Record<string, unknown>;
  raw: string;
}

/** The one answer in `raw` (as rawExchange returns it): status, headers and JSON body. */
export function parseRawAnswer(raw: string): RawAnswer {
  const at = raw.indexOf('\r\n\r\n');
  if (at <= 0) throw new Error(`no answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, at).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
  );
  const text = Buffer.from(raw.slice(at + 4), 'latin1').toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(text) as Record<string, unknown>, raw };
}
