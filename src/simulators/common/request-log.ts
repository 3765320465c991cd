import type { NextFunction, Request, Response } from 'express';

/** A request as it arrived at a simulator, with the status it was answered with. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status?: number;
  at: number;
}

/** Records every request a simulator receives, so tests assert on the HTTP that actually arrived. */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];

  clear(): void {
    this.entries.length = 0;
  }

  /** Requests whose method and path match, e.g. `filter('POST', /\/orders\/createorders$/)`. */
  filter(method: string, path: RegExp | string): RecordedRequest[] {
    return this.entries.filter(
      (e) => e.method === method && (typeof path === 'string' ? e.path === path : path.test(e.path)),
    );
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith('/__sim')) return next();
      const entry: RecordedRequest = {
        method: req.method,
        path: req.path,
        query: { ...req.query },
        headers: { ...req.headers },
        body: req.body,
        at: Date.now(),
      };
      this.entries.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.body = req.body; // body parsers run after this middleware
      });
      res.on('close', () => {
        entry.body = req.body;
      });
      next();
    };
  }
}
