import type { Response } from 'express';

/**
 * ShipStation V1 is ASP.NET Web API: errors are `{"Message": …}`, and body binding/validation failures are
 * `{"Message":"The request is invalid.","ModelState":{"apiOrder.orderNumber":["…"]}}` (reference §1 "Errors").
 */
export type ModelState = Record<string, string[]>;

export function sendInvalid(res: Response, modelState: ModelState): void {
  res.status(400).json({ Message: 'The request is invalid.', ModelState: modelState });
}

export function sendMessage(res: Response, status: number, message: string): void {
  res.status(status).json({ Message: message });
}

/** Web API's answer to a route it doesn't have. */
export function sendNoRoute(res: Response, url: string): void {
  sendMessage(res, 404, `No HTTP resource was found that matches the request URI '${url}'.`);
}
