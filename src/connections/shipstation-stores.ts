/**
 * Choosing the ShipStation store that receives a connection's orders (`advancedOptions.storeId` on creation), from
 * the account's stores as ShipStation lists them. The rule is in domain/shipstation-store-choice.ts.
 *
 * The list is read through a short workflow (workflows/shipstation-stores.ts) whose one `GET /stores` the account's
 * traffic owner makes, on the account's budget and with its current pair (the worker's pair for the default account,
 * which the API does not hold). Kept a minute per account: a page view does not cost a call each time.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ShipStationClient } from '../clients/shipstation-client';
import { checkStoreChoice, defaultStoreOf, storeOptions, type ListedStore, type StoreOption } from '../domain/shipstation-store-choice';
import type { ConnectionSettings } from '../workflows/definitions';
import type { ConnectionService } from './connection-service';
import { ConnectionRefused } from './ecwid-access';

const KEPT_MS = 60_000;

export interface StoreChoiceView {
  accountId: string;
  /** The store chosen for the connection's new orders; absent: the default. */
  chosen?: number;
  /** Where orders go without a choice: the account's first manual store. */
  defaultStore?: StoreOption;
  stores: StoreOption[];
}

/** What is saved with a valid choice (or with going back to the default: `shipstationStoreId: null`). */
export type StoreChoiceSettings = Pick<ConnectionSettings, 'shipstationStoreId' | 'shipstationStoreName' | 'shipstationStoreChosenAt'>;

export class ShipStationStores {
  private readonly kept = new Map<string, { until: number; stores: Promise<ListedStore[]> }>();

  constructor(
    private readonly service: ConnectionService,
    private readonly opts: { client: Client; taskQueue: string; shipstationApiUrl?: string },
  ) {}

  /** The account's stores, through its traffic owner (one GET /stores, kept a minute). */
  async ofAccount(accountId: string, fresh = false): Promise<ListedStore[]> {
    const k = this.kept.get(accountId);
    if (k && !fresh && k.until > Date.now()) return k.stores;
    const stores = this.opts.client.workflow
      .execute('listShipStationStores', {
        taskQueue: this.opts.taskQueue,
        workflowId: `shipstation-stores:${accountId}:${randomUUID()}`,
        args: [{ accountId }],
        workflowExecutionTimeout: '1 minute',
      })
      .then((s) => s as ListedStore[]);
    this.kept.set(accountId, { until: Date.now() + KEPT_MS, stores });
    stores.catch(() => this.kept.delete(accountId));
    return stores;
  }

  /** The choices for a connected store; undefined while it has not joined a ShipStation account yet. */
  async view(storeId: number): Promise<StoreChoiceView | undefined> {
    const st = await this.service.status(storeId);
    if (!st?.shipstationAccountId) return undefined;
    const listed = await this.listed(st.shipstationAccountId);
    const chosen = typeof st.settings.shipstationStoreId === 'number' ? st.settings.shipstationStoreId : undefined;
    return { accountId: st.shipstationAccountId, ...(chosen !== undefined ? { chosen } : {}), defaultStore: defaultStoreOf(listed), stores: storeOptions(listed) };
  }

  /**
   * The settings a choice saves, once checked against the account's stores (read fresh: a store deactivated a moment
   * ago is refused). `null` goes back to the default. Refused: 400 `invalid_shipstation_store` naming why.
   */
  async check(storeId: number, shipstationStoreId: number | null): Promise<StoreChoiceSettings> {
    if (shipstationStoreId === null) return { shipstationStoreId: null, shipstationStoreName: undefined, shipstationStoreChosenAt: new Date().toISOString() };
    const st = await this.service.status(storeId);
    if (!st?.shipstationAccountId) {
      throw new ConnectionRefused(409, 'shipstation_store_not_listable', 'The store has not joined its ShipStation account yet: choose the ShipStation store after its first sync');
    }
    return this.checkIn(await this.listed(st.shipstationAccountId, true), shipstationStoreId);
  }

  /** A new connection with its own key pair: checked with that pair (one GET /stores, like the key check). */
  async checkWithPair(pair: { apiKey: string; apiSecret: string }, shipstationStoreId: number): Promise<StoreChoiceSettings> {
    if (!this.opts.shipstationApiUrl) throw new ConnectionRefused(503, 'shipstation_unavailable', 'ShipStation is not configured');
    const client = new ShipStationClient({ baseUrl: this.opts.shipstationApiUrl, ...pair, timeoutMs: 8_000, max429Waits: 0 });
    let listed: ListedStore[];
    try {
      listed = await client.listStores({ showInactive: true });
    } catch {
      throw new ConnectionRefused(503, 'shipstation_unavailable', "ShipStation did not list the account's stores; try again");
    }
    return this.checkIn(listed, shipstationStoreId);
  }

  /** Checks and saves a choice for a connected store. */
  async choose(storeId: number, shipstationStoreId: number | null): Promise<boolean> {
    const settings = await this.check(storeId, shipstationStoreId);
    return this.service.updateSettings(storeId, settings);
  }

  private async listed(accountId: string, fresh = false): Promise<ListedStore[]> {
    try {
      return await this.ofAccount(accountId, fresh);
    } catch {
      throw new ConnectionRefused(503, 'shipstation_unavailable', "ShipStation's stores could not be listed now (the account's ShipStation traffic is busy or ShipStation is down); try again");
    }
  }

  private checkIn(listed: ListedStore[], shipstationStoreId: number): StoreChoiceSettings {
    const c = checkStoreChoice(listed, shipstationStoreId);
    if (!c.ok) throw new ConnectionRefused(400, 'invalid_shipstation_store', c.message);
    return { shipstationStoreId, shipstationStoreName: c.store.storeName, shipstationStoreChosenAt: new Date().toISOString() };
  }
}
