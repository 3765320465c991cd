import type { ShipStationClient } from '../clients/shipstation-client';
import { cancellationsOf, openPartsOf } from '../domain/split-orders';

export interface PartsCancelled {
  /** ShipStation orders with the key (a split order: several). */
  found: number;
  /** Of them, open before the cancel. */
  open: number;
  cancelled: number;
  /** ShipStation's refusals, one per part it refused. */
  errors: string[];
}

/**
 * Cancels every open ShipStation order of an Ecwid order: the order, or each open part of a split order. One list
 * call (`orderNumber` "starts with": the parts `<n>-1`… come along; the key picks ours) and one createorders call
 * for all the open parts. ShipStation's errors are thrown as they come (the caller classifies them).
 */
export async function cancelOpenParts(ss: ShipStationClient, ref: { orderKey: string; orderNumber: string }): Promise<PartsCancelled> {
  const listed = (await ss.listOrders({ orderNumber: ref.orderNumber, pageSize: 100 })).orders.filter((o) => o.orderKey === ref.orderKey);
  const open = openPartsOf(listed, ref.orderKey);
  if (open.length === 0) return { found: listed.length, open: 0, cancelled: 0, errors: [] };
  const res = await ss.createOrders(cancellationsOf(open));
  const results = res.results ?? [];
  const errors: string[] = [];
  let cancelled = 0;
  open.forEach((part, i) => {
    // Results come in the order sent; the orderId tells the parts apart (they share the key).
    const r = results.find((x) => x.orderId === part.orderId) ?? results[i];
    if (r?.success) cancelled += 1;
    else errors.push(`part ${part.orderNumber}: ${r?.errorMessage ?? 'no result'}`);
  });
  return { found: listed.length, open: open.length, cancelled, errors };
}
