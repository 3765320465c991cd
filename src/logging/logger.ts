import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Paths pino blanks out wherever they appear in a log line: tokens, API secrets and customers' personal data.
 * Logs go to places (terminals, log shippers) with weaker protection than the encrypted workflow history.
 */
export const REDACT_PATHS = [
  'accessToken',
  'ecwidAccessToken',
  'access_token',
  'token',
  'apiKey',
  'apiSecret',
  'shipstationApiKey',
  'shipstationApiSecret',
  'client_secret',
  'clientSecret',
  'secret',
  'password',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.secret',
  'email',
  'phone',
  'street',
  'shippingPerson',
  'billingPerson',
  'shipTo',
  'billTo',
  'credentials',
  '*.accessToken',
  '*.ecwidAccessToken',
  '*.apiKey',
  '*.apiSecret',
  '*.token',
  '*.email',
  '*.credentials',
];

/**
 * JSON lines, for log shippers. `pretty: true` (`npm start` at a terminal) prints one readable, coloured line per
 * entry instead: a request reads `GET /connections 200 12ms`. Redaction applies either way.
 */
export function createLogger(opts: { level?: string; name?: string; pretty?: boolean } = {}): Logger {
  const options = {
    name: opts.name ?? 'connector',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (!opts.pretty) return pino(options);
  return pino(
    options,
    pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,name,reqId,method,path,status,ms',
      messageFormat: (log, messageKey) =>
        log.msg === 'request' && typeof log.method === 'string'
          ? `${log.method} ${String(log.path)} ${String(log.status)} ${String(log.ms)}ms`
          : String(log[messageKey] ?? ''),
    }),
  );
}

export type { Logger };
