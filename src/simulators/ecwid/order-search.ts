/**
 * GET /orders filtering, as documented for search-orders. Unknown parameters are ignored (as Ecwid does);
 * a malformed value of a known one is a 400 WRONG_PARAMETER.
 */
import type { EcwidOrder } from './model';
import { parseEcwidDate } from './dates';

export const MAX_LIMIT = 100;

export class WrongParameter extends Error {}

export type Query = Record<string, unknown>;

export interface SearchResult {
  total: number;
  count: number;
  offset: number;
  limit: number;
  items: EcwidOrder[];
}

function str(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new WrongParameter(`Parameter ${name} must be given once`);
  return v;
}

function list(q: Query, name: string): string[] | undefined {
  const v = str(q, name);
  if (v === undefined || v.trim() === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function int(q: Query, name: string, fallback: number): number {
  const v = str(q, name);
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new WrongParameter(`Parameter ${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

function num(q: Query, name: string): number | undefined {
  const v = str(q, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new WrongParameter(`Parameter ${name} must be a number, got '${v}'`);
  return n;
}

function date(q: Query, name: string): number | undefined {
  const v = str(q, name);
  if (v === undefined || v === '') return undefined;
  const t = parseEcwidDate(v);
  if (t === undefined) throw new WrongParameter(`Parameter ${name} has an unsupported date format: '${v}'`);
  return t;
}

/** Offset and limit: the limit defaults to 100 and a larger one is clamped to 100 (the envelope says 100). */
export function paging(q: Query): { offset: number; limit: number } {
  return { offset: int(q, 'offset', 0), limit: Math.min(int(q, 'limit', MAX_LIMIT), MAX_LIMIT) };
}

/** Every text the documented `keywords` search covers, lower-cased. */
function haystack(o: EcwidOrder): string {
  const x = o as EcwidOrder & { externalTransactionId?: string };
  const person = (p?: Record<string, unknown>): string => (p ? Object.values(p).filter((v) => typeof v === 'string').join(' ') : '');
  const parts = [o.id, x.externalTransactionId, o.email, o.trackingNumber, o.privateAdminNotes, person(o.shippingPerson as Record<string, unknown>), person(o.billingPerson as Record<string, unknown>)];
  for (const i of o.items ?? []) {
    parts.push(i.sku, i.name);
    for (const opt of i.selectedOptions ?? []) parts.push(opt.name, opt.value);
  }
  return parts.filter((p): p is string => typeof p === 'string').join('\n').toLowerCase();
}

export function searchOrders(all: Iterable<EcwidOrder>, q: Query): SearchResult {
  const { offset, limit } = paging(q);
  const ids = list(q, 'ids');
  const paymentStatus = list(q, 'paymentStatus')?.map((s) => s.toUpperCase());
  const fulfillmentStatus = list(q, 'fulfillmentStatus')?.map((s) => s.toUpperCase());
  const productIds = list(q, 'productId')?.map(Number);
  const email = str(q, 'email')?.toLowerCase();
  const keywords = str(q, 'keywords')?.toLowerCase().trim();
  const couponCode = str(q, 'couponCode');
  const shippingMethod = str(q, 'shippingMethod');
  const paymentMethod = str(q, 'paymentMethod');
  const customerId = num(q, 'customerId');
  const [totalFrom, totalTo] = [num(q, 'totalFrom'), num(q, 'totalTo')];
  const [createdFrom, createdTo] = [date(q, 'createdFrom'), date(q, 'createdTo')];
  const [updatedFrom, updatedTo] = [date(q, 'updatedFrom'), date(q, 'updatedTo')];

  const matches = [...all].filter((o) => {
    const x = o as EcwidOrder & { customerId?: number };
    // Unfinished checkouts only appear when asked for by payment status.
    if (o.paymentStatus === 'INCOMPLETE' && !paymentStatus?.includes('INCOMPLETE')) return false;
    if (ids && !ids.some((id) => id === o.id || id === String(o.internalId) || id === String(o.orderNumber))) return false;
    if (paymentStatus && !paymentStatus.includes(String(o.paymentStatus))) return false;
    if (fulfillmentStatus && !fulfillmentStatus.includes(String(o.fulfillmentStatus))) return false;
    if (productIds && !(o.items ?? []).some((i) => i.productId !== undefined && productIds.includes(i.productId))) return false;
    if (email !== undefined && (o.email ?? '').toLowerCase() !== email) return false;
    if (keywords && !haystack(o).includes(keywords)) return false;
    if (couponCode !== undefined && o.discountCoupon?.code !== couponCode) return false;
    if (shippingMethod !== undefined && o.shippingOption?.shippingMethodName !== shippingMethod) return false;
    if (paymentMethod !== undefined && o.paymentMethod !== paymentMethod) return false;
    if (customerId !== undefined && x.customerId !== customerId) return false;
    if (totalFrom !== undefined && (o.total ?? 0) < totalFrom) return false;
    if (totalTo !== undefined && (o.total ?? 0) > totalTo) return false;
    const created = o.createTimestamp ?? 0;
    const updated = o.updateTimestamp ?? 0;
    if (createdFrom !== undefined && created < createdFrom) return false;
    if (createdTo !== undefined && created > createdTo) return false;
    if (updatedFrom !== undefined && updated < updatedFrom) return false;
    if (updatedTo !== undefined && updated > updatedTo) return false;
    return true;
  });
  // Ecwid documents no sort order; ascending internal ID keeps offset paging stable while orders change.
  matches.sort((a, b) => (a.internalId ?? 0) - (b.internalId ?? 0));
  const items = matches.slice(offset, offset + limit).map((o) => structuredClone(o));
  return { total: matches.length, count: items.length, offset, limit, items };
}
