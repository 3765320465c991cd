// Every workflow type the worker runs. Workflow code is bundled into Temporal's deterministic sandbox.
export { storeSync } from './store-sync';
export { shipmentWriteBack, shipNotify } from './shipment';
export { ecwidEvent } from './ecwid-event';
export { shipstationAccount } from './shipstation-account';
export { oneTimeTokenSpent } from './spent-token';
