/**
 * Command-line options of the bench tools: node:util's parseArgs, with its refusals and ours
 * answered as one line and exit status 2 (a usage error), not a stack trace; and numbers checked
 * against their range, so a word or a negative count never runs a bench on NaN.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

function usageError(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** parseArgs, strict, with a usage error instead of a thrown TypeError. */
export function parseOptions<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    return usageError(e instanceof Error ? e.message : String(e));
  }
}

/** Reads a numeric option in [min, max] (whole when `integer`): the number, or what is wrong with it. */
export function readNumber(
  name: string,
  given: string | undefined,
  fallback: number,
  min: number,
  max: number,
  integer = false,
): { value: number } | { error: string } {
  if (given === undefined) return { value: fallback };
  const n = Number(given);
  if (given.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    return { error: `--${name} takes ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not ${JSON.stringify(given)}` };
  return { value: n };
}

/** readNumber, with a usage error and exit 2 when the option is wrong. */
export function numberOption(name: string, given: string | undefined, fallback: number, min: number, max: number, integer = false): number {
  const read = readNumber(name, given, fallback, min, max, integer);
  return 'value' in read ? read.value : usageError(read.error);
}
