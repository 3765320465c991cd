import { startEcwidSimulator } from './ecwid';
import { seedDemoStore } from './ecwid/seed';
import { startShipStationSimulator } from './shipstation';

/** `npm run sandbox`: the two simulators alone, seeded, for development against them. */
async function main(): Promise<void> {
  const ecwid = await startEcwidSimulator({
    port: Number(process.env.ECWID_SIM_PORT ?? 8081),
    clientId: process.env.ECWID_CLIENT_ID ?? 'demo-client',
    clientSecret: process.env.ECWID_CLIENT_SECRET ?? 'demo-client-secret',
  });
  const shipstation = await startShipStationSimulator({
    port: Number(process.env.SHIPSTATION_SIM_PORT ?? 8082),
    accounts: [{ apiKey: process.env.SHIPSTATION_API_KEY ?? 'demo-key', apiSecret: process.env.SHIPSTATION_API_SECRET ?? 'demo-secret' }],
  });
  seedDemoStore(ecwid, { storeId: 1003, token: 'secret_demo_store_token_1003' });
  if (process.env.ECWID_WEBHOOK_URL) ecwid.setWebhookUrl(process.env.ECWID_WEBHOOK_URL);
  console.log(
    [
      `Ecwid simulator        ${ecwid.url}  (store 1003, token secret_demo_store_token_1003; OAuth ${ecwid.oauthUrl})`,
      `ShipStation simulator  ${shipstation.url}  (Basic demo-key:demo-secret, 40 requests/min)`,
      'Faults: POST /__sim/faults {"fault":{"kind":"status","status":503},"times":3}; requests: GET /__sim/requests',
    ].join('\n'),
  );
  const stop = () => void Promise.all([ecwid.close(), shipstation.close()]).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
