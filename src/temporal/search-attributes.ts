import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes operators filter on in the Temporal Web UI and CLI, e.g.
 *   EcwidStoreId="1003"                      every workflow of a store
 *   ConnectionState="needs_reconnect"        stores waiting for their merchant
 *   ShipmentState="parked"                   write-backs waiting for an operator
 * Search attributes are never encrypted: IDs and states only, no personal data.
 */
export const ECWID_STORE_ID = defineSearchAttributeKey('EcwidStoreId', SearchAttributeType.KEYWORD);
export const ECWID_ORDER_ID = defineSearchAttributeKey('EcwidOrderId', SearchAttributeType.KEYWORD);
export const CONNECTION_STATE = defineSearchAttributeKey('ConnectionState', SearchAttributeType.KEYWORD);
export const SHIPMENT_STATE = defineSearchAttributeKey('ShipmentState', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [ECWID_STORE_ID, ECWID_ORDER_ID, CONNECTION_STATE, SHIPMENT_STATE];

/** `--search-attribute Name=Keyword` flags for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}
