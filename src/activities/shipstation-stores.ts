import type { ListedStore } from '../domain/shipstation-store-choice';
import { accountClient } from './account';
import type { ActivityDeps } from './deps';
import { classified } from './failures';

/**
 * The account's ShipStation stores (`GET /stores?showInactive=true`, one call), for choosing where a connection's
 * orders go. Run on the account's task queue by its traffic owner: the call spends the account's budget like every
 * other, with the account's current pair (the worker's default pair for the default account).
 */
export async function listShipStationStores(deps: ActivityDeps, input: { accountId: string }): Promise<ListedStore[]> {
  const ss = await accountClient(deps, input.accountId);
  const stores = await classified(() => ss.listStores({ showInactive: true }));
  return stores.map((s) => ({
    storeId: s.storeId,
    storeName: s.storeName,
    marketplaceId: s.marketplaceId ?? null,
    marketplaceName: s.marketplaceName ?? null,
    active: s.active ?? true,
  }));
}
