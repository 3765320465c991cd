import type { Response } from 'express';

/** Ecwid's error body (`EcwidApiError` in the official client): `{errorMessage, errorCode}`. */
export interface EcwidError {
  errorMessage: string;
  errorCode?: string;
}

/**
 * Answers an Ecwid-style error. Ecwid also puts the message in the HTTP reason phrase
 * (e.g. `HTTP/1.1 402 Please upgrade your account to access API`), so clients that only log the status line
 * still see why; the phrase is kept to printable ASCII, as HTTP requires.
 */
export function sendError(res: Response, status: number, errorCode: string | undefined, errorMessage: string): void {
  const phrase = errorMessage.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  if (phrase) res.statusMessage = phrase;
  const body: EcwidError = errorCode ? { errorMessage, errorCode } : { errorMessage };
  res.status(status).json(body);
}
