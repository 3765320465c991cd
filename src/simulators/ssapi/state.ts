import type { ShipStationOrder, ShipStationShipment } from '../../domain/shipstation';

export interface ShipStationSimAccount {
  apiKey: string;
  apiSecret: string;
}

export interface SimWebhook {
  id: number;
  event: string;
  targetUrl: string;
  storeId: number | null;
  friendlyName?: string;
}

export interface SimStore {
  storeId: number;
  storeName: string;
  marketplaceId: number;
  marketplaceName: string;
}

/** One ShipStation account: its stores, orders (by orderKey), shipments and webhook subscriptions. */
export interface AccountState {
  account: ShipStationSimAccount;
  stores: SimStore[];
  orders: Map<string, ShipStationOrder & { deleted?: boolean; notesToBuyer?: string | null }>;
  shipments: ShipStationShipment[];
  webhooks: SimWebhook[];
}

export interface CreationAttempt {
  apiKey: string;
  orderKey: string;
  at: number;
  outcome: 'created' | 'updated' | 'rejected';
  error?: string;
}

let seq = 100_000;
export const nextId = (): number => ++seq;

/** ShipStation V1 returns zone-less Pacific times with seven fractional digits. */
export function pacificNow(date = new Date()): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${String(date.getMilliseconds()).padStart(3, '0')}0000`;
}

/** Parses a ShipStation date filter (Pacific, `yyyy-MM-dd[ HH:mm:ss]` or with `T`), to compare with pacificNow strings. */
export function normalizeFilterDate(v: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/.exec(v.trim());
  if (!m) return undefined;
  const time = m[2] ? (m[2].length === 5 ? `${m[2]}:00` : m[2]) : '00:00:00';
  return `${m[1]}T${time}`;
}
