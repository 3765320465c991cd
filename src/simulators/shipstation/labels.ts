import { carrierByCode, trackingNumberFor } from './carriers';
import { pacificDate, pacificDateTime } from './dates';
import type { AccountState, OrderRecord, SimOrder, SimOrderItem, SimShipment, SimState } from './state';

export interface LabelOptions {
  carrierCode?: string;
  serviceCode?: string;
  trackingNumber?: string;
  shipmentCost?: number;
  insuranceCost?: number;
  /** false: buy the label without SHIP_NOTIFY (a lost webhook). */
  notify?: boolean;
  /** Labels created with the same batchId share one batch, so one resource URL lists them all. */
  batchId?: number;
  /**
   * Split first (ShipStation's "Split Order"): the label covers only these units (by lineItemKey); the rest of the
   * order moves to a new order with the same orderKey (orderNumber "<n>-1", "<n>-2"…), which the next label of
   * that orderKey ships.
   */
  items?: { lineItemKey: string; quantity: number }[];
  /**
   * Merge first (ShipStation's "Merge Orders"): these open orders' items are added to this one, which lists their
   * orderIds in `advancedOptions.mergedIds`; they are marked merged (`parentId`) and shipped with its label.
   */
  mergeOrderKeys?: string[];
}

type MergeFields = { mergedOrSplit?: boolean; mergedIds?: number[]; parentId?: number | null };

/** One SHIP_NOTIFY / ITEM_SHIP_NOTIFY POST the simulator made, with how the receiver answered. */
export interface WebhookDelivery {
  webhookId: number;
  event: string;
  targetUrl: string;
  body: { resource_url: string; resource_type: string };
  status?: number;
  error?: string;
  at: number;
  durationMs?: number;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/** What a user does in the ShipStation UI: buy and void labels. Buying one notifies the subscribed webhooks. */
export class LabelDesk {
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly state: SimState,
    private readonly baseUrl: () => string,
  ) {}

  async createLabel(apiKey: string, orderKey: string, o: LabelOptions = {}): Promise<SimShipment> {
    const acct = this.state.account(apiKey);
    const rec = this.openOrder(acct, orderKey) ?? this.state.orderByKey(apiKey, orderKey);
    const order = rec.order;
    if (order.orderStatus === 'cancelled') throw new Error(`order ${orderKey} is cancelled: no label can be created`);
    const merged = (o.mergeOrderKeys ?? []).map((k) => this.mergeInto(apiKey, rec, k));
    if (o.items) this.split(acct, rec, o.items);
    const now = new Date();
    const carrierCode = o.carrierCode ?? 'stamps_com';
    const serviceCode = o.serviceCode ?? carrierByCode(carrierCode)?.defaultService ?? `${carrierCode}_ground`;
    const shipmentId = this.state.nextId('shipment');
    const batchId = o.batchId ?? this.state.nextId('batch');
    const storeId = order.advancedOptions?.storeId ?? null;
    const shipment: SimShipment = {
      shipmentId,
      orderId: order.orderId,
      orderKey: order.orderKey,
      userId: acct.userId,
      customerEmail: order.customerEmail ?? null,
      orderNumber: order.orderNumber,
      createDate: pacificDateTime(now),
      shipDate: pacificDate(now),
      shipmentCost: o.shipmentCost ?? 7.35,
      insuranceCost: o.insuranceCost ?? 0,
      trackingNumber: o.trackingNumber ?? trackingNumberFor(carrierCode, shipmentId),
      isReturnLabel: false,
      // A label bought on its own has no batch number (real payload, reference §3.2); a batch's labels do.
      batchNumber: o.batchId !== undefined ? String(o.batchId) : null,
      carrierCode,
      serviceCode,
      packageCode: 'package',
      confirmation: 'none',
      warehouseId: acct.warehouseId,
      voided: false,
      voidDate: null,
      marketplaceNotified: false,
      notifyErrorMessage: null,
      shipTo: { ...order.shipTo },
      weight: order.weight ?? null,
      // The label's package is the order's (real shipments carry it, reference §3.2).
      dimensions: order.dimensions ?? null,
      insuranceOptions: { provider: null, insureShipment: (o.insuranceCost ?? 0) > 0, insuredValue: 0 },
      advancedOptions: { billToParty: null, billToAccount: null, billToPostalCode: null, billToCountryCode: null, storeId },
      shipmentItems: null,
      labelData: null,
      formData: null,
    };
    acct.shipments.push({ shipment, batchId, items: structuredClone(order.items) });
    order.orderStatus = 'shipped';
    order.shipDate = shipment.shipDate;
    order.carrierCode = carrierCode;
    order.serviceCode = serviceCode;
    order.modifyDate = shipment.createDate;
    for (const m of merged) {
      m.orderStatus = 'shipped';
      m.shipDate = shipment.shipDate;
      m.modifyDate = shipment.createDate;
    }
    if (o.notify !== false) {
      await this.deliver(acct, storeId, ['SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY'], (event) => {
        const items = event === 'ITEM_SHIP_NOTIFY' ? 'True' : 'False';
        return `${this.baseUrl()}/shipments?batchId=${batchId}&includeShipmentItems=${items}`;
      });
    }
    return structuredClone(shipment);
  }

  /**
   * A user splits an open order without shipping it (the UI's "Split Order"): it keeps `lines`, the rest becomes a
   * new open order with the same orderKey (`mergedOrSplit`, `parentId`). Returns the new order.
   */
  splitOrder(apiKey: string, orderKey: string, lines: { lineItemKey: string; quantity: number }[]): SimOrder {
    const acct = this.state.account(apiKey);
    const rec = this.openOrder(acct, orderKey);
    if (!rec) throw new Error(`no open order with orderKey ${orderKey}`);
    const before = new Set([...acct.orders.values()].map((r) => r.order.orderId));
    this.split(acct, rec, lines);
    const child = [...acct.orders.values()].find((r) => !before.has(r.order.orderId));
    if (!child) throw new Error(`order ${orderKey}: these lines are the whole order, nothing to split`);
    rec.order.modifyDate = child.order.createDate;
    return structuredClone(child.order);
  }

  /** The order of this key that can still be shipped: the original, or the open part of a split order. */
  private openOrder(acct: AccountState, orderKey: string): OrderRecord | undefined {
    const main = acct.orders.get(orderKey);
    if (main?.active && main.order.orderStatus !== 'shipped') return main;
    for (const r of acct.orders.values()) {
      if (r.active && r.order.orderKey === orderKey && r.order.orderStatus !== 'shipped' && r.order.orderStatus !== 'cancelled') return r;
    }
    return undefined;
  }

  /** Splits the order: it keeps `lines` (and its adjustment lines); the rest becomes a new order with its orderKey. */
  private split(acct: AccountState, rec: OrderRecord, lines: { lineItemKey: string; quantity: number }[]): void {
    const order = rec.order;
    const keep: SimOrderItem[] = [];
    const move: SimOrderItem[] = [];
    for (const it of order.items) {
      if (it.adjustment) {
        keep.push(it);
        continue;
      }
      const units = Math.min(it.quantity, lines.find((l) => l.lineItemKey === it.lineItemKey)?.quantity ?? 0);
      if (units > 0) keep.push({ ...it, quantity: units });
      if (it.quantity - units > 0) move.push({ ...it, quantity: it.quantity - units, orderItemId: this.state.nextId('item') });
    }
    if (move.length === 0) return; // the whole order: nothing to split
    const parts = [...acct.orders.values()].filter((r) => r.order.orderKey === order.orderKey).length;
    const child = structuredClone(order);
    child.orderId = this.state.nextId('order');
    child.orderNumber = `${order.orderNumber}-${parts}`;
    child.items = move;
    child.createDate = pacificDateTime();
    child.modifyDate = child.createDate;
    child.advancedOptions = { ...order.advancedOptions, mergedOrSplit: true, parentId: order.orderId } as SimOrder['advancedOptions'];
    order.items = keep;
    order.advancedOptions = { ...order.advancedOptions, mergedOrSplit: true } as SimOrder['advancedOptions'];
    acct.orders.set(`${order.orderKey}#split-${parts}`, { order: child, active: true });
  }

  /** Merges the open order of `otherKey` into `rec`'s order. */
  private mergeInto(apiKey: string, rec: OrderRecord, otherKey: string): SimOrder {
    const other = this.state.orderByKey(apiKey, otherKey).order;
    rec.order.items.push(...structuredClone(other.items));
    const opts = (rec.order.advancedOptions ?? {}) as MergeFields;
    rec.order.advancedOptions = {
      ...rec.order.advancedOptions,
      mergedOrSplit: true,
      mergedIds: [...(opts.mergedIds ?? []), other.orderId],
    } as SimOrder['advancedOptions'];
    other.advancedOptions = { ...other.advancedOptions, mergedOrSplit: true, parentId: rec.order.orderId } as SimOrder['advancedOptions'];
    other.modifyDate = pacificDateTime();
    return other;
  }

  /** Voids a label; the order goes back to awaiting_shipment unless another live label remains. */
  voidLabel(apiKey: string, shipmentId: number): void {
    const acct = this.state.account(apiKey);
    const rec = acct.shipments.find((s) => s.shipment.shipmentId === shipmentId);
    if (!rec) throw new Error(`no shipment ${shipmentId}`);
    if (rec.shipment.voided) return;
    rec.shipment.voided = true;
    rec.shipment.voidDate = pacificDateTime();
    // The label's own order: a split order's parts share the orderKey, each ships on its own labels.
    const order = this.state.activeOrderById(acct, rec.shipment.orderId)?.order;
    const live = acct.shipments.some((s) => s.shipment.orderId === rec.shipment.orderId && !s.shipment.voided);
    if (order && order.orderStatus === 'shipped' && !live) {
      order.orderStatus = 'awaiting_shipment';
      order.shipDate = null;
      order.modifyDate = pacificDateTime();
    }
  }

  /**
   * POSTs `{resource_url, resource_type}` to each hook of these events whose store filter matches. No retry (V1's
   * retry policy is undocumented); every outcome is recorded in `deliveries`.
   */
  async deliver(acct: AccountState, storeId: number | null, events: string[], resourceUrl: (event: string) => string): Promise<void> {
    const hooks = acct.webhooks.filter((h) => events.includes(h.event) && (h.storeId === null || h.storeId === storeId));
    await Promise.all(
      hooks.map(async (h) => {
        const body = { resource_url: resourceUrl(h.event), resource_type: h.event };
        const d: WebhookDelivery = { webhookId: h.id, event: h.event, targetUrl: h.targetUrl, body, at: Date.now() };
        this.deliveries.push(d);
        try {
          const res = await fetch(h.targetUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'User-Agent': 'ShipStation-Webhooks (simulator)' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          });
          await res.arrayBuffer().catch(() => undefined);
          d.status = res.status;
        } catch (err) {
          d.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        }
        d.durationMs = Date.now() - d.at;
      }),
    );
  }
}
