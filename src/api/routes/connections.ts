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
    const ok = storeId !== undefined && (await service.updateSettings(storeId, settingsFrom(parsed.data)));
    res.status(ok ? 202 : 404).json(ok ? { accepted: true } : { error: 'not_found' });
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
