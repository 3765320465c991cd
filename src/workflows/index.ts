// Every workflow type the worker runs. Workflow code is bundled into Temporal's deterministic sandbox.
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import type { VersioningBehavior } from '@temporalio/common';
import { storeSync } from './store-sync';
import { shipmentWriteBack, shipNotify } from './shipment';
import { ecwidEvent } from './ecwid-event';
import { shipstationAccount } from './shipstation-account';
import { oneTimeTokenSpent } from './spent-token';
import { listShipStationStores } from './shipstation-stores';
import { fulfillmentShipped } from './fulfillment-notice';

/**
 * Worker Versioning (worker/versioning.ts), per workflow type. Only a versioned worker may name a behaviour (an
 * unversioned one, such as the tests' and a replay's, must not), so it is given when the worker has a version.
 */
function versioning(behavior: VersioningBehavior) {
  // An unversioned worker reports a version too, with the SDK's default build ID and no deployment name.
  return () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {});
}

// Months-long workflows follow the deployment's current version at their next task: pinning them would keep every
// old worker alive for as long as a store stays connected. Their code changes are patched and replay-tested.
setWorkflowOptions(versioning('AUTO_UPGRADE'), storeSync);
setWorkflowOptions(versioning('AUTO_UPGRADE'), shipstationAccount);
setWorkflowOptions(versioning('AUTO_UPGRADE'), shipmentWriteBack);
// Short workflows (seconds to minutes) finish on the code that started them: their changes need no patches.
setWorkflowOptions(versioning('PINNED'), shipNotify);
setWorkflowOptions(versioning('PINNED'), ecwidEvent);
setWorkflowOptions(versioning('PINNED'), oneTimeTokenSpent);
setWorkflowOptions(versioning('PINNED'), listShipStationStores);
setWorkflowOptions(versioning('PINNED'), fulfillmentShipped);

export { storeSync, shipmentWriteBack, shipNotify, ecwidEvent, shipstationAccount, oneTimeTokenSpent, listShipStationStores, fulfillmentShipped };
