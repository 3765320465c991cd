import type { NextFunction, Request, Response } from 'express';

/** A fault a simulator injects into the next matching requests, to test how the connector copes. */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'drop' };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests get the fault; Infinity until cleared. */
  times: number;
  method?: string;
  /** Matches when the request path starts with this (after the simulator's mount point). */
  pathPrefix?: string;
}

/** Holds the active fault rules of one simulator; applied by `middleware()` before any route. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  /** How many requests each fault kind has hit, for tests and for operators watching the sandbox. */
  readonly injected: Record<Fault['kind'], number> = { status: 0, 'rate-limit': 0, slow: 0, drop: 0 };

  inject(fault: Fault, opts: { times?: number; method?: string; pathPrefix?: string } = {}): void {
    this.rules.push({ fault, times: opts.times ?? Infinity, method: opts.method, pathPrefix: opts.pathPrefix });
  }

  clear(): void {
    this.rules = [];
  }

  get active(): readonly FaultRule[] {
    return this.rules;
  }

  private take(req: Request): Fault | undefined {
    const rule = this.rules.find(
      (r) =>
        r.times > 0 &&
        (!r.method || r.method.toUpperCase() === req.method) &&
        (!r.pathPrefix || req.path.startsWith(r.pathPrefix)),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
    this.injected[rule.fault.kind] += 1;
    return rule.fault;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith('/__sim')) return next();
      const fault = this.take(req);
      if (!fault) return next();
      switch (fault.kind) {
        case 'status':
          res.status(fault.status).json(fault.body ?? { errorMessage: `Injected fault ${fault.status}` });
          return;
        case 'rate-limit':
          res.setHeader('Retry-After', String(fault.retryAfterSeconds));
          res.status(429).json({ errorMessage: 'Too many requests (injected)', errorCode: 'RATE_LIMITED' });
          return;
        case 'slow':
          setTimeout(next, fault.delayMs);
          return;
        case 'drop':
          // Close the TCP connection without an answer: the client sees a reset / socket hang up.
          req.socket.destroy();
          return;
      }
    };
  }
}
