import type { Logger } from '../logging/logger';
import { startEcwidSimulator, type EcwidSimulator } from '../simulators/ecwid';
import { seedDemoStore, generateOrders } from '../simulators/ecwid/seed';
import { startShipStationSimulator, type ShipStationSimulator } from '../simulators/shipstation';

export const DEMO_STORE_ID = 1003;
const DEMO_TOKEN = 'secret_demo_store_token_1003';
/** A second store, not connected: its merchant installs the connector from the simulated Ecwid admin. */
export const DEMO_MERCHANT_STORE_ID = 1004;
const DEMO_MERCHANT_TOKEN = 'secret_demo_store_token_1004';
/** The merchant's own ShipStation account in the ShipStation simulator (what they type on the install form). */
export const DEMO_MERCHANT_SHIPSTATION = { apiKey: 'merchant-demo-key', apiSecret: 'merchant-demo-secret' };

export interface DemoSimulators {
  ecwid: EcwidSimulator;
  shipstation: ShipStationSimulator;
  storeId: number;
  token: string;
  /** The store whose merchant installs the app themselves (not connected at start). */
  merchantStoreId: number;
  merchantShipStation: { apiKey: string; apiSecret: string };
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
    accounts: [opts.shipstation, DEMO_MERCHANT_SHIPSTATION],
  });
  seedDemoStore(ecwid, { storeId: DEMO_STORE_ID, token: DEMO_TOKEN });
  seedDemoStore(ecwid, { storeId: DEMO_MERCHANT_STORE_ID, token: DEMO_MERCHANT_TOKEN, storeName: 'Atelier Lumière', orders: 15, seed: 20240601 });
  ecwid.setWebhookUrl(opts.webhookUrl);
  const timers: NodeJS.Timeout[] = [];
  let n = 0;
  return {
    ecwid,
    shipstation,
    storeId: DEMO_STORE_ID,
    token: DEMO_TOKEN,
    merchantStoreId: DEMO_MERCHANT_STORE_ID,
    merchantShipStation: DEMO_MERCHANT_SHIPSTATION,
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
