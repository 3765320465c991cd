import { z } from 'zod';
import { CUSTOM_STATUSES, type EcwidCustomStatus } from '../domain/ecwid';

/** Request bodies of the HTTP API; the same schemas validate requests and describe them in /openapi.json. */
export const shipstationStatusSchema = z.enum(['awaiting_payment', 'awaiting_shipment', 'shipped', 'on_hold', 'cancelled']);

export const statusMappingSchema = z
  .partialRecord(z.enum(CUSTOM_STATUSES), shipstationStatusSchema)
  .describe('Ecwid custom status → ShipStation status, e.g. {"CUSTOM_FULFILLMENT_STATUS_1":"on_hold"}');

/**
 * The range of an import start date: nothing from before Ecwid's API (a typo such as 0000-01-01, which Ecwid refuses)
 * nor more than a year ahead (milliseconds given as seconds: 99999999999999). A value outside it once broke pages.
 */
export const IMPORT_SINCE_MIN_SECONDS = Date.UTC(2000, 0, 1) / 1000;
export const IMPORT_SINCE_MAX_AHEAD_SECONDS = 366 * 86_400;
export const IMPORT_SINCE_RANGE_MESSAGE = 'must be a date between 2000-01-01 and one year from now';

export function importSinceInRange(seconds: number, nowMs = Date.now()): boolean {
  return Number.isFinite(seconds) && seconds >= IMPORT_SINCE_MIN_SECONDS && seconds <= nowMs / 1000 + IMPORT_SINCE_MAX_AHEAD_SECONDS;
}

const dateOrTimestamp = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.number().int().positive()])
  .refine((v) => importSinceInRange(typeof v === 'number' ? v : Date.parse(v) / 1000), { message: IMPORT_SINCE_RANGE_MESSAGE });

export const connectionSettingsSchema = z.object({
  shipstationStoreId: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .describe(
      "The ShipStation store that receives the store's new orders: an active manual store of the account (GET /connections/{storeId}/shipstation-stores lists them). null: the default, the account's first manual store",
    ),
  pollIntervalSeconds: z.number().int().min(30).max(86_400).optional(),
  importSince: dateOrTimestamp.optional().describe('ISO date, or unix seconds; default 30 days before connecting'),
  statusMapping: statusMappingSchema.optional(),
  importPickupOrders: z.boolean().optional(),
  stockLocationAttribute: z.string().trim().min(1).max(100).optional(),
  giftFieldNames: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
  giftMessageFieldNames: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
  customs: z
    .boolean()
    .optional()
    .describe("Fill customs declarations of international orders (default true); false leaves them to ShipStation's customs defaults"),
  customsTariffCodeAttribute: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Product attribute holding the HS tariff code; default: one whose name mentions "HS" or "tariff"'),
  customsCountryOfOriginAttribute: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Product attribute holding the two-letter country of origin; default: one whose name mentions "origin"'),
  partialShipmentStatus: z
    .enum(['CUSTOM_FULFILLMENT_STATUS_1', 'CUSTOM_FULFILLMENT_STATUS_2', 'CUSTOM_FULFILLMENT_STATUS_3'] satisfies EcwidCustomStatus[])
    .optional()
    .describe('Ecwid fulfillment status of a partly shipped (split) order, e.g. your custom "Partially shipped"; unset: PROCESSING'),
});

/**
 * Tokens and keys travel in HTTP headers, which carry ASCII only: anything else would fail inside the client as an
 * error message of its own, not as the 400 naming the field it is.
 */
const credential = (min: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII (letters, digits and punctuation, no spaces)');

export const createConnectionSchema = connectionSettingsSchema
  .extend({
    ecwidStoreId: z.number().int().positive(),
    ecwidAccessToken: credential(8),
    shipstationApiKey: credential(1)
      .optional()
      .describe("The store's own ShipStation account. On a reconnect, omitted keys keep the account the store already uses."),
    shipstationApiSecret: credential(1).optional(),
    useDefaultShipStationAccount: z
      .literal(true)
      .optional()
      .describe("Move the store to the operator's default ShipStation account (an explicit act: a reconnect never does it)"),
    replaceShipStationCredentials: z
      .literal(true)
      .optional()
      .describe(
        'The keys given are the new pair of the ShipStation account that already uses this API key (an operator replacing its secret on purpose). Without it, a secret that differs from the account\'s is refused (409).',
      ),
    shipstationKeyExpiresAt: z.iso
      .date()
      .optional()
      .describe('When the ShipStation key pair expires (YYYY-MM-DD): GET /accounts warns 14 days ahead'),
  })
  .strict()
  .refine((b) => (b.shipstationApiKey === undefined) === (b.shipstationApiSecret === undefined), {
    message: 'shipstationApiKey and shipstationApiSecret go together',
    path: ['shipstationApiSecret'],
  })
  .refine((b) => !(b.useDefaultShipStationAccount && b.shipstationApiKey), {
    message: 'choose either your own ShipStation keys or the default account, not both',
    path: ['useDefaultShipStationAccount'],
  });

export type CreateConnectionBody = z.infer<typeof createConnectionSchema>;

/** PUT /accounts/:accountId/credentials: a new key pair for the account (verified with ShipStation before it is kept). */
export const replaceCredentialsSchema = z
  .object({
    apiKey: credential(1),
    apiSecret: credential(1),
    expiresAt: z.iso.date().optional().describe('When the new pair expires (YYYY-MM-DD), if known: warned 14 days ahead'),
  })
  .strict();

export const updateSettingsSchema = connectionSettingsSchema.strict();

export const ecwidWebhookSchema = z.object({
  eventId: z.string().min(1).max(200),
  eventCreated: z.number().int(),
  storeId: z.number().int().positive(),
  // Orders: the internal order ID. `application.*` events send the store ID quoted ("entityId":"1003" in Ecwid's
  // example), and refusing those would leave an uninstall unprocessed while Ecwid retries it for a day.
  entityId: z.union([z.number(), z.string().max(100)]).optional(),
  eventType: z.string().min(1).max(100),
  data: z.object({ orderId: z.string().min(1).max(100).optional() }).loose().optional(),
});

export const shipNotifySchema = z.object({
  resource_url: z.string().min(1).max(2000),
  resource_type: z.string().min(1).max(100),
});

export function toUnixSeconds(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  return Math.floor(Date.parse(v) / 1000);
}

/** Field errors in a shape an API client can show next to each field. */
export function fieldErrors(err: z.ZodError): { field: string; message: string }[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}
