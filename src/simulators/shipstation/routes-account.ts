import express, { type Router } from 'express';
import { accountOf } from './auth';
import { CARRIERS, carrierByCode, type SimCarrier } from './carriers';
import { sendMessage, sendNoRoute } from './errors';
import { boolParam, intParam, param } from './query';
import type { SimStore } from './state';

function storeJson(s: SimStore) {
  return {
    storeId: s.storeId,
    storeName: s.storeName,
    marketplaceId: s.marketplaceId,
    marketplaceName: s.marketplaceName,
    accountName: null,
    email: null,
    integrationUrl: null,
    active: s.active !== false,
    companyName: '',
    phone: '',
    publicEmail: '',
    website: '',
    refreshDate: null,
    lastRefreshAttempt: null,
    createDate: s.createDate,
    modifyDate: s.createDate,
    autoRefresh: s.autoRefresh === true,
    // A captured GET /stores list (agritheory's fixture) carries the key, blank; GET /stores/{id} fills it in.
    statusMappings: null,
  };
}

/** A carrier account as List Carriers and Get Carrier return it (the docs' examples' fields). */
function carrierJson(c: SimCarrier, i: number) {
  return {
    name: c.name,
    code: c.code,
    accountNumber: c.accountNumber,
    requiresFundedAccount: c.code === 'stamps_com',
    balance: c.code === 'stamps_com' ? 100 : 0,
    nickname: null,
    shippingProviderId: 100_000 + i,
    primary: true,
  };
}

/**
 * Stores (manual ones, marketplace 0 "ShipStation", and selling channels' such as an Ecwid store of ShipStation's own
 * integration; `showInactive` as List Stores documents it) and carriers.
 */
export function accountRoutes(): Router {
  const r = express.Router();

  r.get('/stores', (req, res) => {
    const acct = accountOf(res);
    const marketplaceId = intParam(req, 'marketplaceId');
    const showInactive = boolParam(req, 'showInactive');
    res.json(
      acct.stores
        .filter((s) => (marketplaceId === undefined || s.marketplaceId === marketplaceId) && (showInactive || s.active !== false))
        .map((s) => storeJson(s)),
    );
  });

  r.get('/stores/:storeId', (req, res) => {
    if (!/^\d+$/.test(req.params.storeId)) return sendNoRoute(res, req.originalUrl);
    const acct = accountOf(res);
    const s = acct.stores.find((x) => x.storeId === Number(req.params.storeId));
    if (!s) return sendMessage(res, 404, `Store ${req.params.storeId} not found.`);
    res.json({
      ...storeJson(s),
      statusMappings: ['awaiting_payment', 'awaiting_shipment', 'shipped', 'cancelled', 'on_hold'].map((orderStatus) => ({ orderStatus, statusKey: orderStatus })),
    });
  });

  // List Carriers takes no parameters (the docs' `GET /carriers`, and the V1 OpenAPI's List carriers): a
  // `carrierCode` sent along is ignored, as ShipStation ignores it; one carrier is `GET /carriers/getcarrier`.
  r.get('/carriers', (_req, res) => {
    res.json(CARRIERS.map((c, i) => carrierJson(c, i)));
  });

  /** Get Carrier: "Retrieves the shipping carrier account details for the specified carrierCode". */
  r.get('/carriers/getcarrier', (req, res) => {
    const code = param(req, 'carrierCode');
    const i = CARRIERS.findIndex((c) => c.code === code);
    if (i < 0) return sendMessage(res, 400, `Invalid carrierCode '${code ?? ''}'.`);
    res.json(carrierJson(CARRIERS[i], i));
  });

  const byCarrier = (key: 'services' | 'packages') =>
    ((req, res) => {
      const c = carrierByCode(param(req, 'carrierCode'));
      if (!c) return sendMessage(res, 400, `Invalid carrierCode '${param(req, 'carrierCode') ?? ''}'.`);
      res.json(c[key].map((x) => ({ carrierCode: c.code, code: x.code, name: x.name, domestic: x.domestic, international: x.international })));
    }) satisfies express.RequestHandler;
  r.get('/carriers/listservices', byCarrier('services'));
  r.get('/carriers/listpackages', byCarrier('packages'));

  return r;
}
