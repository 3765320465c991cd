import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcwidClient } from '../../src/clients/ecwid-client';
import { ApiError } from '../../src/clients/http';
import { ShipStationClient } from '../../src/clients/shipstation-client';

/**
 * Outgoing calls never follow a redirect (issue #23): an allowed origin answering 3xx would otherwise send the call,
 * with its credentials, to an address of someone else's choosing.
 */
describe('outgoing HTTP does not follow redirects', () => {
  let trap: Server;
  let redirector: Server;
  let trapUrl = '';
  let redirectorUrl = '';
  const trapped: { path?: string; authorization?: string }[] = [];

  const listen = async (s: Server) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    trap = createServer((req, res) => {
      trapped.push({ path: req.url, authorization: req.headers.authorization });
      res.setHeader('Content-Type', 'application/json');
      res.end('{"shipments":[],"pages":0}');
    });
    trapUrl = await listen(trap);
    redirector = createServer((req, res) => {
      const status = req.url?.includes('permanent') ? 308 : 302;
      res.writeHead(status, { Location: `${trapUrl}/stolen${req.url ?? ''}` });
      res.end();
    });
    redirectorUrl = await listen(redirector);
  });
  afterAll(async () => {
    for (const s of [trap, redirector]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  test('ShipStation: a 302 or 308 is an error that is not retried, and the redirect target is never called', async () => {
    const ss = new ShipStationClient({ baseUrl: redirectorUrl, apiKey: 'key', apiSecret: 'secret' });
    for (const path of ['/shipments?batchId=1', '/shipments?batchId=2&permanent=1']) {
      const err = await ss.callUrl(`${redirectorUrl}${path}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBeGreaterThanOrEqual(300);
      expect((err as ApiError).status).toBeLessThan(400);
      expect((err as ApiError).temporary).toBe(false);
    }
    expect(trapped).toEqual([]);
  });

  test('Ecwid: the same', async () => {
    const ecwid = new EcwidClient({ baseUrl: `${redirectorUrl}/api/v3`, storeId: 1003, token: 'secret_token' });
    const err = await ecwid.getOrder('K8XTQ').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(302);
    expect(trapped).toEqual([]);
  });
});
