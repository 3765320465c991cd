/**
 * Ecwid OAuth 2 (authorization-code grant) under /api/oauth: a consent page at /authorize, and the code
 * exchange by form POST at /token and /token/:storeId (the 2025-09 path). Codes are single-use and live
 * 5 minutes; exchanging a code twice fails and disables the token issued the first time, as Ecwid documents.
 * Errors use the RFC 6749 shape: `{error, error_description}` with 400 (405 for GET /token).
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { EcwidState, TokenRecord } from './state';
import { randomToken } from './state';

export const CODE_TTL_MS = 5 * 60_000;

interface AuthCode {
  storeId: number;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  /** Set once exchanged; a second exchange revokes it. */
  issued?: TokenRecord;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function withParams(base: string, params: Record<string, string | undefined>): string {
  const u = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

export class OAuthServer {
  private readonly codes = new Map<string, AuthCode>();

  constructor(
    private readonly state: EcwidState,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  issueCode(storeId: number, redirectUri: string, scopes?: string[]): string {
    const store = this.state.store(storeId);
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, {
      storeId,
      clientId: this.clientId,
      redirectUri,
      scopes: scopes ?? store.scopes,
      expiresAt: this.state.now() + CODE_TTL_MS,
    });
    return code;
  }

  router(): Router {
    const r = express.Router();
    r.get('/authorize', (req, res) => this.authorizePage(req, res));
    r.get('/authorize/allow', (req, res) => {
      const p = this.authorizeParams(req, res);
      if (!p) return;
      const code = this.issueCode(p.storeId, p.redirectUri, p.scopes);
      res.redirect(302, withParams(p.redirectUri, { code, store_id: String(p.storeId), state: p.state }));
    });
    const form = express.urlencoded({ extended: false });
    r.post(['/token', '/token/:storeId'], form, (req, res) => this.exchange(req, res));
    r.all(['/token', '/token/:storeId'], (_req, res) => {
      // Since 2025-03-20 Ecwid refuses the old GET-with-query exchange.
      res.setHeader('Allow', 'POST');
      oauthError(res, 405, 'invalid_request', 'Use POST with an application/x-www-form-urlencoded body');
    });
    return r;
  }

  /** Validates the four mandatory parameters (+ optional store_id and state); answers 400 itself when bad. */
  private authorizeParams(
    req: Request,
    res: Response,
  ): { redirectUri: string; scopes: string[]; storeId: number; state?: string } | undefined {
    const q = (name: string): string | undefined => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const fail = (msg: string): undefined => {
      res.status(400).type('html').send(`<!doctype html><title>Ecwid: authorization error</title><p>${escapeHtml(msg)}</p>`);
      return undefined;
    };
    const [clientId, redirectUri, responseType, scope] = [q('client_id'), q('redirect_uri'), q('response_type'), q('scope')];
    if (!clientId || !redirectUri || !responseType || !scope) {
      return fail('client_id, redirect_uri, response_type and scope are all required');
    }
    if (responseType !== 'code') return fail('response_type must be code');
    if (clientId !== this.clientId) return fail('Unknown client_id');
    if (!/^https?:\/\//i.test(redirectUri) || !URL.canParse(redirectUri)) return fail('redirect_uri must be an absolute URL');
    const storeParam = q('store_id');
    const storeId = storeParam !== undefined ? Number(storeParam) : this.state.stores.keys().next().value;
    if (storeId === undefined || !this.state.stores.has(storeId)) return fail('No such store');
    return { redirectUri, scopes: scope.split(/[\s+]+/).filter(Boolean), storeId, state: q('state') };
  }

  private authorizePage(req: Request, res: Response): void {
    const p = this.authorizeParams(req, res);
    if (!p) return;
    const allow = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: p.redirectUri,
      response_type: 'code',
      scope: p.scopes.join(' '),
      store_id: String(p.storeId),
      ...(p.state !== undefined ? { state: p.state } : {}),
    });
    const deny = withParams(p.redirectUri, { error: 'access_denied', state: p.state });
    const store = this.state.store(p.storeId);
    res.type('html').send(
      `<!doctype html><html><head><meta charset="utf-8"><title>Ecwid: authorize app</title></head><body>` +
        `<h1>Allow this app to access ${escapeHtml(store.storeName)} (store ${p.storeId})?</h1>` +
        `<p>Requested access: ${p.scopes.map(escapeHtml).join(', ')}</p>` +
        `<a id="allow" href="${escapeHtml(`authorize/allow?${allow.toString()}`)}">Allow</a> ` +
        `<a id="deny" href="${escapeHtml(deny)}">Deny</a></body></html>`,
    );
  }

  private exchange(req: Request, res: Response): void {
    if (!req.is('application/x-www-form-urlencoded')) {
      return oauthError(res, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const f = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const [clientId, clientSecret, code, redirectUri, grantType] = ['client_id', 'client_secret', 'code', 'redirect_uri', 'grant_type'].map(f);
    if (!clientId || !clientSecret || !code || !redirectUri || !grantType) {
      return oauthError(res, 400, 'invalid_request', 'client_id, client_secret, code, redirect_uri and grant_type are required');
    }
    if (grantType !== 'authorization_code') return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      return oauthError(res, 400, 'invalid_client', 'Client authentication failed');
    }
    const grant = this.codes.get(code);
    if (!grant || grant.clientId !== clientId) return oauthError(res, 400, 'invalid_grant', 'Unknown authorization code');
    if (grant.issued) {
      grant.issued.revoked = true;
      return oauthError(res, 400, 'invalid_grant', 'The authorization code was already used; the token issued for it is now disabled');
    }
    if (this.state.now() > grant.expiresAt) {
      this.codes.delete(code);
      return oauthError(res, 400, 'invalid_grant', 'The authorization code has expired');
    }
    if (redirectUri !== grant.redirectUri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const pathStore = req.params.storeId;
    if (pathStore !== undefined && Number(pathStore) !== grant.storeId) {
      return oauthError(res, 400, 'invalid_grant', 'The authorization code was not issued for this store');
    }
    const store = this.state.store(grant.storeId);
    const token = this.state.issueToken(grant.storeId, grant.scopes);
    grant.issued = token;
    const response: Record<string, unknown> = {
      access_token: token.token,
      token_type: 'bearer',
      scope: token.scopes.join(' '),
      store_id: grant.storeId,
      email: store.accountEmail,
    };
    if (grant.scopes.includes('public_storefront')) {
      const publicToken = `public_${randomToken(32)}`;
      this.state.tokens.set(publicToken, { token: publicToken, storeId: grant.storeId, scopes: ['public_storefront'], revoked: false });
      response.public_token = publicToken;
    }
    res.json(response);
  }
}
