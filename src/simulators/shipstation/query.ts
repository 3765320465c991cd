import type { Request } from 'express';
import { normalizeFilterDate } from './dates';

/** A query parameter as one string (the first, if repeated); empty counts as absent, as Web API binds it. */
export function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

export function intParam(req: Request, name: string): number | undefined {
  const s = param(req, name);
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined;
}

export function boolParam(req: Request, name: string): boolean {
  return (param(req, name) ?? '').toLowerCase() === 'true';
}

/** A date filter (`…Start`/`…End`) as a comparable string. */
export function dateParam(req: Request, name: string): string | undefined {
  const s = param(req, name);
  return s === undefined ? undefined : normalizeFilterDate(s);
}

/** ShipStation's list envelope: 1-based `page`, `pageSize` default 100 and at most 500, `pages` 0 when empty. */
export function paginate<T>(req: Request, items: T[]): { items: T[]; total: number; page: number; pages: number } {
  const pageSize = Math.min(500, Math.max(1, intParam(req, 'pageSize') ?? 100));
  const page = Math.max(1, intParam(req, 'page') ?? 1);
  return {
    items: items.slice((page - 1) * pageSize, page * pageSize),
    total: items.length,
    page,
    pages: Math.ceil(items.length / pageSize),
  };
}

/** Sorts a copy by a field, ASC unless sortDir=DESC; ties follow the input order in the same direction. */
export function sortByField<T>(items: T[], get: (x: T) => string | number | null | undefined, dir: string | undefined): T[] {
  const sign = (dir ?? '').toUpperCase() === 'DESC' ? -1 : 1;
  return items
    .map((x, i) => ({ x, i, k: get(x) ?? '' }))
    .sort((a, b) => (a.k < b.k ? -sign : a.k > b.k ? sign : sign * (a.i - b.i)))
    .map((e) => e.x);
}
