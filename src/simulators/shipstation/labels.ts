import { carrierByCode, trackingNumberFor } from './carriers';
import { pacificDate, pacificDateTime } from './dates';
import type { AccountState, SimShipment, SimState } from './state';

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
}

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
    const rec = this.state.orderByKey(apiKey, orderKey);
    const order = rec.order;
    if (order.orderStatus === 'cancelled') throw new Error(`order ${orderKey} is cancelled: no label can be created`);
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
      dimensions: null,
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
    if (o.notify !== false) await this.notify(acct, storeId, batchId);
    return structuredClone(shipment);
  }

  /** Voids a label; the order goes back to awaiting_shipment unless another live label remains. */
  voidLabel(apiKey: string, shipmentId: number): void {
    const acct = this.state.account(apiKey);
    const rec = acct.shipments.find((s) => s.shipment.shipmentId === shipmentId);
    if (!rec) throw new Error(`no shipment ${shipmentId}`);
    if (rec.shipment.voided) return;
    rec.shipment.voided = true;
    rec.shipment.voidDate = pacificDateTime();
    const order = acct.orders.get(rec.shipment.orderKey)?.order;
    const live = acct.shipments.some((s) => s.shipment.orderKey === rec.shipment.orderKey && !s.shipment.voided);
    if (order && order.orderStatus === 'shipped' && !live) {
      order.orderStatus = 'awaiting_shipment';
      order.shipDate = null;
      order.modifyDate = pacificDateTime();
    }
  }

  /**
   * POSTs `{resource_url, resource_type}` to each SHIP_NOTIFY (and ITEM_SHIP_NOTIFY) hook whose store filter
   * matches. No retry (V1's retry policy is undocumented); every outcome is recorded in `deliveries`.
   */
  private async notify(acct: AccountState, storeId: number | null, batchId: number): Promise<void> {
    const hooks = acct.webhooks.filter(
      (h) => (h.event === 'SHIP_NOTIFY' || h.event === 'ITEM_SHIP_NOTIFY') && (h.storeId === null || h.storeId === storeId),
    );
    await Promise.all(
      hooks.map(async (h) => {
        const items = h.event === 'ITEM_SHIP_NOTIFY' ? 'True' : 'False';
        const body = { resource_url: `${this.baseUrl()}/shipments?batchId=${batchId}&includeShipmentItems=${items}`, resource_type: h.event };
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
