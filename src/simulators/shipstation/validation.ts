import { z } from 'zod';
import { CUSTOMS_CONTENTS, NON_DELIVERY_OPTIONS, ORDER_STATUSES } from './model';
import type { ModelState } from './errors';

const text = z.string().nullish();
const money = z.number().nullish();
const weight = z.looseObject({ value: z.number(), units: z.enum(['pounds', 'ounces', 'grams']) }).nullish();

/** Dimensions model: `{length, width, height, units: "inches"|"centimeters"}`; the docs' createorder example has it. */
const dimensions = z
  .looseObject({
    length: z.number().nonnegative(),
    width: z.number().nonnegative(),
    height: z.number().nonnegative(),
    units: z.enum(['inches', 'centimeters']),
  })
  .nullish();

/** CustomsItem model. `customsItemId` is read-only; `value` is per unit in US dollars; the country is ISO-2. */
const customsItem = z.looseObject({
  customsItemId: z.number().int().nullish(),
  description: text,
  quantity: z.number().int().nonnegative(),
  value: z.number().nonnegative(),
  harmonizedTariffCode: text,
  countryOfOrigin: z.string().regex(/^[A-Z]{2}$/).nullish(),
});

/** InternationalOptions model. The docs' createorder example sends `{contents: null, customsItems: null}`. */
const internationalOptions = z
  .looseObject({
    contents: z.enum(CUSTOMS_CONTENTS).nullish(),
    customsItems: z.array(customsItem).nullish(),
    nonDelivery: z.enum(NON_DELIVERY_OPTIONS).nullish(),
  })
  .nullish();

const address = z.looseObject({
  name: text,
  company: text,
  street1: text,
  street2: text,
  street3: text,
  city: text,
  state: text,
  postalCode: text,
  country: text,
  phone: text,
  residential: z.boolean().nullish(),
});

const item = z.looseObject({
  lineItemKey: text,
  sku: text,
  // "name (not null)" in the OrderItem model.
  name: z.string(),
  imageUrl: text,
  weight,
  quantity: z.number().int(),
  unitPrice: money,
  taxAmount: money,
  shippingAmount: money,
  warehouseLocation: text,
  options: z.array(z.looseObject({ name: text, value: text })).nullish(),
  productId: z.number().int().nullish(),
  adjustment: z.boolean().nullish(),
});

/** Create/update order body: the documented required fields and limits, other fields passed through. */
export const orderSchema = z.looseObject({
  orderId: z.number().int().nullish(),
  orderNumber: z.string().min(1).max(50),
  orderKey: text,
  orderDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  paymentDate: text,
  shipByDate: text,
  orderStatus: z.enum(ORDER_STATUSES),
  customerUsername: text,
  customerEmail: text,
  billTo: address,
  shipTo: address,
  items: z.array(item).nullish(),
  amountPaid: money,
  taxAmount: money,
  shippingAmount: money,
  customerNotes: text,
  internalNotes: text,
  gift: z.boolean().nullish(),
  giftMessage: text,
  paymentMethod: text,
  requestedShippingService: text,
  weight,
  dimensions,
  internationalOptions,
  advancedOptions: z
    .looseObject({
      storeId: z.number().int().nullish(),
      customField1: text,
      customField2: text,
      customField3: text,
      source: text,
    })
    .nullish(),
});
export type OrderInput = z.infer<typeof orderSchema>;

export const subscribeSchema = z.looseObject({
  target_url: z.url(),
  event: z.enum(['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY', 'FULFILLMENT_SHIPPED', 'FULFILLMENT_REJECTED']),
  // "store_id (any)" in the docs: a number, or a numeric string.
  store_id: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
  friendly_name: text,
});

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** `apiOrder.billTo.name`, `apiOrders[3].items[0].quantity`: the keys Web API uses in ModelState. */
function keyOf(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((k, p) => (typeof p === 'number' ? `${k}[${p}]` : `${k}.${String(p)}`), root);
}

/** ASP.NET-like wording (DataAnnotations and Json.NET), so error text looks like what ShipStation sends. */
function describe(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = String(issue.path.at(-1) ?? 'value');
  const value = valueAt(raw, issue.path);
  if (value === undefined || value === null) return `The ${field} field is required.`;
  if (issue.code === 'too_big' && typeof value === 'string') {
    return `The field ${field} must be a string with a maximum length of ${String(issue.maximum)}.`;
  }
  if (issue.code === 'too_small' && typeof value === 'string') return `The ${field} field is required.`;
  if (field.endsWith('Date') && typeof value === 'string') return `Could not convert string to DateTime: ${value}.`;
  return `The value '${typeof value === 'object' ? JSON.stringify(value) : String(value)}' is not valid for ${field}.`;
}

export function modelStateOf(root: string, issues: readonly z.core.$ZodIssue[], raw: unknown): ModelState {
  const ms: ModelState = {};
  for (const i of issues) (ms[keyOf(root, i.path)] ??= []).push(describe(i, raw));
  return ms;
}

/** One line for a bulk result's `errorMessage`. */
export function errorMessageOf(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues.map((i) => describe(i, raw)).join(' ');
}
