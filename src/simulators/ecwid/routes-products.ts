/** GET /products (search envelope) and GET /products/:productId, enough for stock-location look-ups. */
import express, { type Router } from 'express';
import { apiContext, requireScope } from './auth';
import { sendError } from './errors';
import { WrongParameter, paging } from './order-search';

export function productRoutes(): Router {
  const r = express.Router();
  // A public token (public_storefront) may read the catalog too.
  const canRead = requireScope('read_catalog', 'public_storefront');

  r.get('/products', canRead, (req, res) => {
    try {
      const { offset, limit } = paging(req.query);
      const ids = typeof req.query.productId === 'string' ? req.query.productId.split(',').map((s) => Number(s.trim())) : undefined;
      const sku = typeof req.query.sku === 'string' ? req.query.sku : undefined;
      const keyword = typeof req.query.keyword === 'string' ? req.query.keyword.toLowerCase() : undefined;
      const all = [...apiContext(res).store.products.values()]
        .filter((p) => (!ids || ids.includes(p.id)) && (sku === undefined || p.sku === sku))
        .filter((p) => !keyword || `${p.name ?? ''} ${p.sku ?? ''}`.toLowerCase().includes(keyword))
        .sort((a, b) => a.id - b.id);
      const items = all.slice(offset, offset + limit);
      res.json({ total: all.length, count: items.length, offset, limit, items });
    } catch (err) {
      if (err instanceof WrongParameter) return sendError(res, 400, 'WRONG_PARAMETER', err.message);
      throw err;
    }
  });

  r.get('/products/:productId', canRead, (req, res) => {
    const id = String(req.params.productId);
    const product = /^\d+$/.test(id) ? apiContext(res).store.products.get(Number(id)) : undefined;
    if (!product) return sendError(res, 404, 'PRODUCT_NOT_FOUND', `Product ${id} not found`);
    res.json(product);
  });
  return r;
}
