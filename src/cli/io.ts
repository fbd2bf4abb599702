/**
 * Where a CLI run reads its environment and writes its output: the process's own streams when
 * run as `dproof`, buffers when a test calls runCli in-process.
 */
export interface CliStream {
  write(text: string): unknown;
  /** A terminal (the counter QR is drawn only then). */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  /** All of standard input as text, up to `maxBytes` (more is refused); undefined when it is a terminal (or, in-process, absent). */
  readStdin?(maxBytes: number): Promise<string | undefined>;
}

async function readProcessStdin(maxBytes: number): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new RangeError(`standard input is over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, readStdin: readProcessStdin });
