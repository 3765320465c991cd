import pino, { type Logger } from 'pino';

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

export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'connector',
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}

export type { Logger };
