/**
 * Ecwid's changes go in, ShipStation's edits stay (pure). V1 `createorders` replaces a whole order, so updating an
 * order a packer has worked on means: start from ShipStation's current order, and put in Ecwid's value only for the
 * field groups that changed in Ecwid since the connector last sent the order.
 *
 * What was last sent is remembered compactly, per order, as a short hash per field group (`SentRecord`): the hash
 * of Ecwid's value at the last send. A group changed in Ecwid when Ecwid's value hashes differently now; it was
 * changed in ShipStation when ShipStation's value hashes differently from that last Ecwid value (a packer's edit,
 * made since, or kept at an earlier send). When both changed (a conflict), `resolveConflict` decides.
 */
import { CLOSED_SHIPSTATION_STATUSES, type ShipStationOrder } from './shipstation';

/** The field groups the connector sends, each merged as a whole. `order` holds everything packers don't edit. */
export const FIELD_GROUPS = [
  'status',
  'shipTo',
  'billTo',
  'weight',
  'dimensions',
  'customField1',
  'internalNotes',
  'requestedService',
  'customs',
  'order',
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** The ShipStation fields of each group (advancedOptions.customField1 is handled on its own). */
const GROUP_FIELDS: Record<Exclude<FieldGroup, 'customField1'>, readonly string[]> = {
  status: ['orderStatus'],
  shipTo: ['shipTo'],
  billTo: ['billTo'],
  weight: ['weight'],
  dimensions: ['dimensions'],
  internalNotes: ['internalNotes'],
  requestedService: ['requestedShippingService'],
  customs: ['internationalOptions'],
  order: [
    'orderNumber',
    'orderDate',
    'paymentDate',
    'customerUsername',
    'customerEmail',
    'items',
    'amountPaid',
    'taxAmount',
    'shippingAmount',
    'customerNotes',
    'gift',
    'giftMessage',
    'paymentMethod',
  ],
};

const ADDRESS_FIELDS = ['name', 'company', 'street1', 'street2', 'street3', 'city', 'state', 'postalCode', 'country', 'phone'];
const ITEM_FIELDS = [
  'lineItemKey',
  'sku',
  'name',
  'imageUrl',
  'weight',
  'quantity',
  'unitPrice',
  'taxAmount',
  'shippingAmount',
  'warehouseLocation',
  'options',
  'productId',
  'adjustment',
];

/** Read-only fields of ShipStation's Order model: never sent back. */
const READ_ONLY_ORDER_FIELDS = ['orderId', 'createDate', 'modifyDate', 'orderTotal', 'customerId', 'userId', 'externallyFulfilled', 'externallyFulfilledBy', 'labelMessages'];
const READ_ONLY_ITEM_FIELDS = ['orderItemId', 'createDate', 'modifyDate'];
const READ_ONLY_ADVANCED = ['mergedOrSplit', 'mergedIds', 'parentId', 'storeId'];

type Loose = Record<string, unknown>;

/** Empty text, null, undefined and empty lists are the same to ShipStation (it returns null for what was not sent). */
function norm(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(norm);
  if (typeof v === 'number') return Math.round(v * 10_000) / 10_000;
  if (typeof v === 'string') {
    // Dates: ShipStation may add fractional seconds; the second is what counts.
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v) ? v.slice(0, 19) : v.trim();
  }
  if (typeof v === 'object') {
    const o = v as Loose;
    const keys = Object.keys(o).sort();
    const out: Loose = {};
    for (const k of keys) {
      const n = norm(o[k]);
      if (n !== null) out[k] = n;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return v;
}

const pickFields = (o: unknown, fields: readonly string[]): Loose | null => {
  if (!o || typeof o !== 'object') return null;
  const src = o as Loose;
  return Object.fromEntries(fields.map((f) => [f, src[f]]));
};

function weightOf(w: unknown): Loose | null {
  const x = w as { value?: unknown; units?: unknown } | null | undefined;
  // ShipStation returns 0 ounces when no weight was sent: "no weight".
  if (!x || typeof x.value !== 'number' || x.value === 0) return null;
  return { value: x.value, units: x.units };
}

function customsOf(v: unknown): Loose | null {
  const x = v as { contents?: unknown; customsItems?: unknown; nonDelivery?: unknown } | null | undefined;
  if (!x) return null;
  const items = Array.isArray(x.customsItems)
    ? x.customsItems.map((c) => pickFields(c, ['description', 'quantity', 'value', 'harmonizedTariffCode', 'countryOfOrigin']))
    : null;
  if (x.contents == null && (items === null || items.length === 0)) return null;
  return { contents: x.contents, customsItems: items, nonDelivery: x.nonDelivery };
}

/** The comparable value of one group of an order (as sent, or as ShipStation returns it). */
export function groupValue(order: Partial<ShipStationOrder> | Loose | undefined, group: FieldGroup): unknown {
  if (!order) return null;
  const o = order as Loose;
  switch (group) {
    case 'customField1':
      return norm((o.advancedOptions as Loose | undefined)?.customField1);
    case 'shipTo':
    case 'billTo':
      return norm(pickFields(o[group], ADDRESS_FIELDS));
    case 'weight':
      return norm(weightOf(o.weight));
    case 'customs':
      return norm(customsOf(o.internationalOptions));
    case 'order': {
      const picked = pickFields(o, GROUP_FIELDS.order) ?? {};
      picked.items = Array.isArray(o.items)
        ? o.items.map((it) => {
            const p = pickFields(it, ITEM_FIELDS) ?? {};
            p.weight = weightOf(p.weight);
            p.adjustment = p.adjustment === true;
            return p;
          })
        : null;
      // ShipStation stores a missing amount as 0.
      for (const f of ['amountPaid', 'taxAmount', 'shippingAmount']) picked[f] = typeof picked[f] === 'number' ? picked[f] : 0;
      picked.gift = picked.gift === true;
      return norm(picked);
    }
    default:
      return norm(pickFields(o, GROUP_FIELDS[group]));
  }
}

/**
 * A short hash (FNV-1a, 32 bits, written in at most 7 base-36 characters) of one group: enough to notice that one
 * order's group changed (a wrong "unchanged" needs a collision between two versions of the same group). Plain
 * JavaScript, so the module stays free of Node APIs.
 */
export function groupHash(order: Partial<ShipStationOrder> | Loose | undefined, group: FieldGroup): string {
  const text = JSON.stringify(groupValue(order, group)) ?? 'null';
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** What the connector remembers of one order. */
export type SentRecord =
  | { kind: 'sent'; sentAt: number; groups: Partial<Record<FieldGroup, string>> }
  /** ShipStation no longer has the order (deleted there), noticed when Ecwid's version was `ecwidUpdate`. */
  | { kind: 'deleted'; ecwidUpdate: number };

/** `s<sentAt base36>:<hash of group 1>.<hash of group 2>…`, or `d<ecwidUpdate base36>` (about 80 characters). */
export function encodeRecord(r: SentRecord): string {
  if (r.kind === 'deleted') return `d${r.ecwidUpdate.toString(36)}`;
  return `s${r.sentAt.toString(36)}:${FIELD_GROUPS.map((g) => r.groups[g] ?? '').join('.')}`;
}

/** The record, or undefined for anything unreadable (then the order is merged as one with no record). */
export function decodeRecord(s: string | undefined): SentRecord | undefined {
  if (!s) return undefined;
  if (s.startsWith('d')) {
    const n = parseInt(s.slice(1), 36);
    return Number.isFinite(n) ? { kind: 'deleted', ecwidUpdate: n } : undefined;
  }
  const m = /^s([0-9a-z]+):(.*)$/.exec(s);
  if (!m) return undefined;
  const parts = m[2].split('.');
  if (parts.length !== FIELD_GROUPS.length) return undefined;
  const groups: Partial<Record<FieldGroup, string>> = {};
  FIELD_GROUPS.forEach((g, i) => {
    if (parts[i]) groups[g] = parts[i];
  });
  return { kind: 'sent', sentAt: parseInt(m[1], 36), groups };
}

export type GroupDecision = 'ecwid' | 'kept_shipstation' | 'conflict_ecwid' | 'conflict_shipstation';

export interface MergeResult {
  /** The whole order to send (createorders replaces the whole order). */
  order: ShipStationOrder;
  /** Groups whose ShipStation value was kept because only ShipStation changed them. */
  kept: FieldGroup[];
  /** Groups both sides changed, and who won (see `resolveConflict`). */
  conflicts: { group: FieldGroup; winner: 'ecwid' | 'shipstation' }[];
  /** What to remember of this send. */
  record: SentRecord;
}

/**
 * The rule when Ecwid and ShipStation both changed a group since the last send (or when there is no record and
 * they differ): Ecwid wins — the connector only sends an order after it changed in Ecwid, so Ecwid's value is the
 * newer word, e.g. a customer's new address. One exception: a packer's hold (`on_hold`) stays unless Ecwid closes
 * the order (shipped or cancelled), since a hold is a warehouse decision Ecwid knows nothing of.
 */
export function resolveConflict(group: FieldGroup, ecwid: ShipStationOrder, current: Loose): 'ecwid' | 'shipstation' {
  if (group === 'status' && current.orderStatus === 'on_hold' && !CLOSED_SHIPSTATION_STATUSES.includes(ecwid.orderStatus)) return 'shipstation';
  return 'ecwid';
}

function setGroup(target: Loose, source: Loose, group: FieldGroup): void {
  if (group === 'customField1') {
    const adv = { ...((target.advancedOptions as Loose | undefined) ?? {}) };
    adv.customField1 = (source.advancedOptions as Loose | undefined)?.customField1 ?? null;
    target.advancedOptions = adv;
    return;
  }
  for (const f of GROUP_FIELDS[group]) {
    if (source[f] === undefined) {
      // Ecwid sends no value (e.g. no known package size): ShipStation's own default applies.
      if (group === 'dimensions' || group === 'customs') target[f] = null;
      else delete target[f];
    } else target[f] = source[f];
  }
}

/** ShipStation's order as a createorders body: its read-only fields removed. */
export function writableCopy(current: Loose): Loose {
  const out: Loose = { ...current };
  for (const f of READ_ONLY_ORDER_FIELDS) delete out[f];
  if (Array.isArray(out.items)) {
    out.items = out.items.map((it: Loose) => {
      const c = { ...it };
      for (const f of READ_ONLY_ITEM_FIELDS) delete c[f];
      return c;
    });
  }
  if (out.advancedOptions && typeof out.advancedOptions === 'object') {
    const adv = { ...(out.advancedOptions as Loose) };
    for (const f of READ_ONLY_ADVANCED) delete adv[f];
    out.advancedOptions = adv;
  }
  return out;
}

/**
 * The order to send for Ecwid's `mapped` version, given ShipStation's `current` order (undefined: ShipStation
 * does not have it, so `mapped` is sent as is) and the record of the last send (undefined: none).
 */
export function mergeOrder(mapped: ShipStationOrder, current: Loose | undefined, record: SentRecord | undefined, sentAt: number): MergeResult {
  const groups: Partial<Record<FieldGroup, string>> = {};
  if (!current) {
    for (const g of FIELD_GROUPS) groups[g] = groupHash(mapped, g);
    return { order: mapped, kept: [], conflicts: [], record: { kind: 'sent', sentAt, groups } };
  }
  const base = record?.kind === 'sent' ? record.groups : {};
  const out = writableCopy(current);
  out.orderKey = mapped.orderKey;
  const kept: FieldGroup[] = [];
  const conflicts: MergeResult['conflicts'] = [];
  for (const g of FIELD_GROUPS) {
    const e = groupHash(mapped, g);
    const s = groupHash(current, g);
    const last = base[g];
    // Without a record, a difference could come from either side: it counts as both.
    const ecwidChanged = last !== undefined ? e !== last : e !== s;
    // ShipStation holds something other than Ecwid's last value: a packer's edit (made now, or kept at an earlier send).
    const shipstationChanged = last !== undefined ? s !== last : e !== s;
    let winner: 'ecwid' | 'shipstation';
    if (e === s) winner = 'ecwid';
    else if (!ecwidChanged) {
      // ShipStation's value (a packer's edit, now or kept at an earlier send) and Ecwid has nothing new.
      winner = 'shipstation';
      kept.push(g);
    } else if (!shipstationChanged) winner = 'ecwid';
    else {
      winner = resolveConflict(g, mapped, current);
      conflicts.push({ group: g, winner });
    }
    if (winner === 'ecwid') setGroup(out, mapped as unknown as Loose, g);
    groups[g] = e;
  }
  // Always Ecwid's, never a packer's: the connector's marker of where the order came from.
  out.advancedOptions = { ...((out.advancedOptions as Loose | undefined) ?? {}), source: mapped.advancedOptions?.source ?? 'Ecwid' };
  return { order: out as unknown as ShipStationOrder, kept, conflicts, record: { kind: 'sent', sentAt, groups } };
}

/**
 * Ecwid changed nothing the connector sends since it last sent the order: every group's hash is the recorded one.
 * Then nothing is read or written (an order read twice, by a webhook and by a page that met it, is sent once).
 */
export function unchangedSinceSent(mapped: ShipStationOrder, record: SentRecord | undefined): boolean {
  if (record?.kind !== 'sent') return false;
  return FIELD_GROUPS.every((g) => record.groups[g] !== undefined && record.groups[g] === groupHash(mapped, g));
}

/** One line for operators: `kept in ShipStation: weight, dimensions; conflict: shipTo (Ecwid's value)`. */
export function describeMerge(r: Pick<MergeResult, 'kept' | 'conflicts'>): string | undefined {
  const parts: string[] = [];
  if (r.kept.length > 0) parts.push(`kept_shipstation:${r.kept.join(',')}`);
  if (r.conflicts.length > 0) parts.push(`conflict:${r.conflicts.map((c) => `${c.group}=${c.winner}`).join(',')}`);
  return parts.length > 0 ? parts.join(';') : undefined;
}

/**
 * `kept_shipstation:weight,dimensions;conflict:shipTo=ecwid` in words: which edits made in ShipStation the last
 * update kept, and which fields both sides had changed, with who won (docs/order-mapping.md, "Who wins").
 */
export function describeMergeNote(note: string): string {
  const parts: string[] = [];
  for (const part of note.split(';')) {
    const [kind, list = ''] = part.split(':');
    if (kind === 'recreated_after_deletion') parts.push('created again in ShipStation after its deletion there, as it changed in Ecwid since');
    if (kind === 'kept_shipstation') parts.push(`ShipStation's own edits were kept at the last update (${list.split(',').join(', ')})`);
    if (kind === 'conflict') {
      const decided = list.split(',').map((c) => {
        const [group, winner] = c.split('=');
        return `${group}: ${winner === 'shipstation' ? "ShipStation's value kept" : "Ecwid's value sent"}`;
      });
      parts.push(`changed on both sides since the previous update (${decided.join('; ')})`);
    }
  }
  return parts.join('; ');
}

/** Whether an order reason is a merge note (see `describeMerge`), not a skip reason. */
export function isMergeNote(reason: string): boolean {
  return /^(kept_shipstation|conflict|recreated_after_deletion)(:|;|$)/.test(reason);
}
