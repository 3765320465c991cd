import type { Express } from 'express';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { FaultInjector } from './faults';
import type { RequestLog } from './request-log';

export interface RunningServer {
  /** Base URL such as http://127.0.0.1:43121 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on loopback; port 0 picks a free port. */
export async function listen(app: Express, port = 0, host = '127.0.0.1'): Promise<RunningServer> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 5_000;
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The base every simulator app shares: request log first (it sees every request, faulted or not), then
 * fault injection, then the /__sim control routes.
 */
export function simulatorApp(requests: RequestLog, faults: FaultInjector): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requests.middleware());
  app.use(faults.middleware());
  app.use(controlRoutes(faults, requests));
  return app;
}

/**
 * Control routes under /__sim, so a process other than the one hosting the simulator
 * (a benchmark, a chaos test, a developer with curl) can inject faults and read what arrived.
 */
export function controlRoutes(faults: FaultInjector, log: RequestLog): express.Router {
  const r = express.Router();
  r.post('/__sim/faults', express.json(), (req, res) => {
    const { fault, times, method, pathPrefix } = req.body ?? {};
    if (!fault || typeof fault.kind !== 'string') {
      res.status(400).json({ error: 'body must be {fault:{kind,...}, times?, method?, pathPrefix?}' });
      return;
    }
    faults.inject(fault, { times, method, pathPrefix });
    res.status(204).end();
  });
  r.delete('/__sim/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });
  r.get('/__sim/requests', (_req, res) => {
    res.json(log.entries.map(({ headers: _h, ...rest }) => rest));
  });
  r.delete('/__sim/requests', (_req, res) => {
    log.clear();
    res.status(204).end();
  });
  return r;
}
