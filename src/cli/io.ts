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
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });
