/**
 * The gate in front of every /api/v3/:storeId route, in the order Ecwid's answers imply: unknown store (404),
 * token (403, header only), rate limit (429, per token), plan and suspension (402); then per-route scopes (403).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from './errors';
import type { FixedWindowLimiter } from './rate-limit';
import type { EcwidState, StoreRecord, TokenRecord } from './state';

export interface ApiContext {
  store: StoreRecord;
  token: TokenRecord;
}

export function apiContext(res: Response): ApiContext {
  return res.locals.ecwid as ApiContext;
}

export function storeGate(state: EcwidState, limiter: FixedWindowLimiter): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw = String(req.params.storeId ?? '');
    const store = /^\d+$/.test(raw) ? state.stores.get(Number(raw)) : undefined;
    if (!store) return sendError(res, 404, 'STORE_NOT_FOUND', `Store ${raw} not found`);

    // Since 2025-03-20 Ecwid ignores ?token=: such a call is treated exactly like one without a token.
    const header = req.header('authorization') ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!bearer) {
      const msg = req.query.token !== undefined
        ? 'Passing the access token in query parameters is not supported; use the Authorization: Bearer header'
        : 'Access token is missing';
      return sendError(res, 403, 'INVALID_API_TOKEN', msg);
    }
    const token = state.tokens.get(bearer);
    if (!token || token.revoked || token.storeId !== store.storeId) {
      return sendError(res, 403, 'INVALID_API_TOKEN', 'Invalid access token');
    }

    const wait = limiter.hit(token.token);
    if (wait !== undefined) {
      res.setHeader('Retry-After', String(wait));
      return sendError(res, 429, 'RATE_LIMITED', 'Too many requests: the access token is temporarily blocked');
    }

    if (store.plan === 'FREE') return sendError(res, 402, 'NOT_AVAILABLE_ON_CURRENT_PLAN', 'Please upgrade your account to access API');
    if (store.suspended) return sendError(res, 402, 'STORE_IS_SUSPENDED', 'Store is suspended');

    const ctx: ApiContext = { store, token };
    res.locals.ecwid = ctx;
    next();
  };
}

/** Passes when the token has any of the scopes (e.g. read_catalog, or public_storefront for a public token). */
export function requireScope(...anyOf: string[]): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const { token } = apiContext(res);
    if (anyOf.some((s) => token.scopes.includes(s))) return next();
    sendError(res, 403, 'INSUFFICIENT_APP_SCOPE', `The app has no access to this resource: scope ${anyOf[0]} is required`);
  };
}

/** Ecwid answers 415 unless a body-carrying request is JSON (`application/json` or `text/json`). */
export function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  if ((req.method === 'PUT' || req.method === 'POST') && !req.is(['application/json', 'text/json'])) {
    return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  next();
}
