import { ApiError, httpRequest } from './http';

export interface EcwidTokenResponse {
  access_token: string;
  token_type?: string;
  scope?: string;
  store_id: number;
  email?: string;
}

/**
 * Exchanges an authorization code (form POST, as Ecwid requires since 2025-03). The 2025-09 path
 * `/token/{store_id}` is used when the redirect carried the store ID, else the older `/token`.
 */
export async function exchangeEcwidCode(opts: {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  storeId?: number;
}): Promise<EcwidTokenResponse> {
  const base = opts.oauthUrl.replace(/\/$/, '');
  const url = opts.storeId !== undefined ? `${base}/token/${opts.storeId}` : `${base}/token`;
  const res = await httpRequest('ecwid-oauth', url, {
    method: 'POST',
    timeoutMs: 8_000,
    form: {
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      code: opts.code,
      redirect_uri: opts.redirectUri,
      grant_type: 'authorization_code',
    },
  });
  const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Partial<EcwidTokenResponse> & {
    error?: string;
    error_description?: string;
  };
  if (res.status !== 200 || typeof body.access_token !== 'string' || typeof body.store_id !== 'number') {
    throw new ApiError('ecwid-oauth', res.status, `Ecwid refused the authorization code (${body.error ?? res.status}${body.error_description ? `: ${body.error_description}` : ''})`, body.error);
  }
  return body as EcwidTokenResponse;
}
