import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config.js';

/**
 * Paths pino removes from every log line. Request logs carry method, path and status only (the
 * query string is dropped by the serializer below); these paths catch anything that a handler
 * logs by mistake: headers with credentials, API keys, tokens, claims, keys and proofs.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["dpop"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'passphrase',
  '*.passphrase',
  'pin',
  '*.pin',
  'privateKey',
  '*.privateKey',
  '*.d',
  'claims',
  '*.claims',
  'credential',
  '*.credential',
  'credentials',
  '*.credentials',
  'presentation',
  '*.presentation',
  'vp_token',
  '*.vp_token',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'pre-authorized_code',
  '*["pre-authorized_code"]',
  'tx_code',
  '*.tx_code',
  'proof',
  '*.proof',
  'proofs',
  '*.proofs',
  'disclosures',
  '*.disclosures',
  'body',
  '*.body',
];

interface RawRequest {
  method?: string;
  url?: string;
  id?: string;
  routeOptions?: { url?: string; config?: { logRoute?: boolean } };
}

/** The path to log: the route pattern when the path itself holds a secret (an offer reference). */
const loggedPath = (req: RawRequest) => (req.routeOptions?.config?.logRoute ? req.routeOptions.url : (req.url ?? '').split('?')[0]);

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Only the path: query strings may carry codes or tokens.
      req: (req: RawRequest) => ({ id: req.id, method: req.method, path: loggedPath(req), route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
