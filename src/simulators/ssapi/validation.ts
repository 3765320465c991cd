import { z } from 'zod';
import { SHIPSTATION_ORDER_STATUSES } from '../../domain/shipstation';

const address = z
  .object({
    name: z.string().nullable().optional(),
    street1: z.string().nullable().optional(),
    city: z.string().nullable().optional(),
    country: z.string().nullable().optional(),
  })
  .loose();

/** The fields ShipStation's create/update order requires, and the documented limits. */
export const orderSchema = z
  .object({
    orderNumber: z.string().min(1).max(50),
    orderKey: z.string().max(200).optional().nullable(),
    orderDate: z.string().min(1),
    orderStatus: z.enum(SHIPSTATION_ORDER_STATUSES),
    billTo: address,
    shipTo: address,
    items: z
      .array(z.object({ name: z.string().min(1), quantity: z.number(), unitPrice: z.number().optional().nullable() }).loose())
      .optional()
      .nullable(),
    advancedOptions: z.object({ storeId: z.number().nullable().optional() }).loose().optional().nullable(),
  })
  .loose();

/** ASP.NET Web API style 400 body, as ShipStation answers. */
export function modelState(root: string, issues: z.core.$ZodIssue[]): { Message: string; ModelState: Record<string, string[]> } {
  const ms: Record<string, string[]> = {};
  for (const i of issues) {
    const key = [root, ...i.path.map(String)].join('.');
    (ms[key] ??= []).push(i.message);
  }
  return { Message: 'The request is invalid.', ModelState: ms };
}
