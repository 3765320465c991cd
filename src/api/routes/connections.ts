import { Router } from 'express';
import type { ConnectionService } from '../../connections/connection-service';
import { ConnectionRefused } from '../../connections/ecwid-access';
import { createConnectionSchema, fieldErrors, updateSettingsSchema } from '../../connections/schemas';
import { settingsFrom } from '../../connections/connection-service';

function storeIdParam(raw: string): number | undefined {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

/** The connections API: connect, list, status, sync now, settings, pause/resume, disconnect. */
export function connectionRoutes(service: ConnectionService): Router {
  const r = Router();

  r.post('/connections', async (req, res) => {
    const parsed = createConnectionSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_body', fields: fieldErrors(parsed.error) });
      return;
    }
    try {
      const { created, storeId } = await service.connect(parsed.data);
      // A reconnect catches up the write-backs parked meanwhile, also after a disconnect (then `created`).
      await service.retryParkedShipments(storeId);
      res.status(created ? 201 : 200).json({ storeId, created, status: await service.status(storeId) });
    } catch (err) {
      if (err instanceof ConnectionRefused) {
        res.status(err.status).json({ error: err.code, message: err.message });
        return;
      }
      throw err;
    }
  });

  r.get('/connections', async (_req, res) => {
    res.json(await service.list());
  });

  r.get('/connections/:storeId', async (req, res) => {
    const storeId = storeIdParam(req.params.storeId);
    const status = storeId === undefined ? undefined : await service.status(storeId);
    if (!status) {
      res.status(404).json({ error: 'not_found', message: 'no connection for this store' });
      return;
    }
    // Write-backs waiting for a reconnect or a key replacement (or an operator's retry): best effort.
    const parked = await service.parkedShipments(status.storeId, 1).catch(() => undefined);
    res.json(parked ? { ...status, parkedShipments: parked.count } : status);
  });

  r.get('/connections/:storeId/orders/:orderId', async (req, res) => {
    const storeId = storeIdParam(req.params.storeId);
    if (storeId === undefined || !(await service.isRunning(storeId))) {
      res.status(404).json({ error: 'not_found', message: 'no connection for this store' });
      return;
    }
    res.json(await service.explainOrder(storeId, String(req.params.orderId).slice(0, 100)));
  });

  r.patch('/connections/:storeId/settings', async (req, res) => {
    const storeId = storeIdParam(req.params.storeId);
    const parsed = updateSettingsSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_body', fields: fieldErrors(parsed.error) });
      return;
    }
    if (storeId === undefined || !(await service.isRunning(storeId))) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const settings = settingsFrom(parsed.data);
    try {
      // A ShipStation store is checked against the account's stores (listed through the account) before it is kept.
      if (parsed.data.shipstationStoreId !== undefined) Object.assign(settings, await service.shipstationStores.check(storeId, parsed.data.shipstationStoreId));
    } catch (err) {
      if (err instanceof ConnectionRefused) {
        res.status(err.status).json({ error: err.code, message: err.message });
        return;
      }
      throw err;
    }
    const ok = await service.updateSettings(storeId, settings);
    res.status(ok ? 202 : 404).json(ok ? { accepted: true } : { error: 'not_found' });
  });

  /** The account's ShipStation stores, which may receive the store's orders, and the current choice. */
  r.get('/connections/:storeId/shipstation-stores', async (req, res) => {
    const storeId = storeIdParam(req.params.storeId);
    if (storeId === undefined || !(await service.isRunning(storeId))) {
      res.status(404).json({ error: 'not_found', message: 'no connection for this store' });
      return;
    }
    try {
      const view = await service.shipstationStores.view(storeId);
      if (!view) {
        res.status(409).json({ error: 'shipstation_store_not_listable', message: 'The store has not joined its ShipStation account yet; try after its first sync' });
        return;
      }
      res.json(view);
    } catch (err) {
      if (err instanceof ConnectionRefused) {
        res.status(err.status).json({ error: err.code, message: err.message });
        return;
      }
      throw err;
    }
  });

  const action = (path: string, fn: (storeId: number) => Promise<boolean>, ok = 202) =>
    r.post(`/connections/:storeId/${path}`, async (req, res) => {
      const storeId = storeIdParam(req.params.storeId);
      const done = storeId !== undefined && (await fn(storeId));
      res.status(done ? ok : 404).json(done ? { accepted: true } : { error: 'not_found', message: 'no connection for this store' });
    });
  action('sync', (id) => service.syncNow(id, { trigger: 'operator' }));
  action('pause', (id) => service.pause(id));
  action('resume', (id) => service.resume(id));
  action('retry-shipments', async (id) => (await service.isRunning(id)) && (await service.retryParkedShipments(id)) >= 0);

  r.delete('/connections/:storeId', async (req, res) => {
    const storeId = storeIdParam(req.params.storeId);
    const done = storeId !== undefined && (await service.disconnect(storeId));
    res.status(done ? 202 : 404).json(done ? { disconnected: true } : { error: 'not_found' });
  });

  return r;
}
