import type { Logger } from '../logging/logger';
import { startEcwidSimulator, type EcwidSimulator } from '../simulators/ecwid';
import { seedDemoStore, generateOrders } from '../simulators/ecwid/seed';
import { startShipStationSimulator, type ShipStationSimulator } from '../simulators/shipstation';

export const DEMO_STORE_ID = 1003;
const DEMO_TOKEN = 'secret_demo_store_token_1003';

export interface DemoSimulators {
  ecwid: EcwidSimulator;
  shipstation: ShipStationSimulator;
  storeId: number;
  token: string;
  /** Some life for the demo: a new order now and then (with its webhook), and labels bought in ShipStation. */
  startTraffic(): void;
  stopTraffic(): void;
  close(): Promise<void>;
}

export async function startDemoSimulators(opts: {
  clientId: string;
  clientSecret: string;
  shipstation: { apiKey: string; apiSecret: string };
  webhookUrl: string;
  logger: Logger;
}): Promise<DemoSimulators> {
  const ecwid = await startEcwidSimulator({
    port: Number(process.env.ECWID_SIM_PORT ?? 8081),
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
  });
  const shipstation = await startShipStationSimulator({
    port: Number(process.env.SHIPSTATION_SIM_PORT ?? 8082),
    accounts: [opts.shipstation],
  });
  seedDemoStore(ecwid, { storeId: DEMO_STORE_ID, token: DEMO_TOKEN });
  ecwid.setWebhookUrl(opts.webhookUrl);
  const timers: NodeJS.Timeout[] = [];
  let n = 0;
  return {
    ecwid,
    shipstation,
    storeId: DEMO_STORE_ID,
    token: DEMO_TOKEN,
    startTraffic() {
      timers.push(
        setInterval(() => {
          n += 1;
          const [order] = generateOrders(1, 10_000 + n);
          const saved = ecwid.upsertOrder(DEMO_STORE_ID, order);
          void ecwid.sendWebhook(DEMO_STORE_ID, 'order.created', { orderId: saved.id }).catch(() => undefined);
        }, 30_000),
        setInterval(() => {
          const open = [...shipstation.ordersByKey(opts.shipstation.apiKey).values()].filter((o) => o.orderStatus === 'awaiting_shipment');
          const pick = open[n % Math.max(1, open.length)];
          if (pick) void shipstation.createLabel(opts.shipstation.apiKey, pick.orderKey).catch(() => undefined);
        }, 45_000),
      );
      for (const t of timers) t.unref();
    },
    stopTraffic() {
      for (const t of timers) clearInterval(t);
    },
    async close() {
      await Promise.all([ecwid.close(), shipstation.close()]);
    },
  };
}
