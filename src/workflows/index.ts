// Every workflow type the worker runs. Workflow code is bundled into Temporal's deterministic sandbox.
import { setWorkflowOptions } from '@temporalio/workflow';
import { storeSync } from './store-sync';
import { shipmentWriteBack, shipNotify } from './shipment';
import { ecwidEvent } from './ecwid-event';
import { shipstationAccount } from './shipstation-account';
import { oneTimeTokenSpent } from './spent-token';

// Worker Versioning (worker/versioning.ts). Months-long workflows follow the deployment's current version at their
// next task: pinning them would keep every old worker alive for as long as a store stays connected. Their code
// changes are patched and replay-tested.
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, storeSync);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, shipstationAccount);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, shipmentWriteBack);
// Short workflows (seconds to minutes) finish on the code that started them: their changes need no patches.
setWorkflowOptions({ versioningBehavior: 'PINNED' }, shipNotify);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, ecwidEvent);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, oneTimeTokenSpent);

export { storeSync, shipmentWriteBack, shipNotify, ecwidEvent, shipstationAccount, oneTimeTokenSpent };
