/**
 * A connection's state machine (pure: used inside the store-sync workflow and by tests and docs).
 *
 * The state an operator sees is derived from three independent facts, so that one event never erases
 * another: pausing a store that waits for a reconnect keeps it waiting for the reconnect, and a reconnect
 * of a paused store leaves it paused. `disconnected` is final.
 *
 *   disconnected  >  needs_reconnect  >  paused  >  active      (the first fact that holds names the state)
 */
export type ConnectionState = 'active' | 'paused' | 'needs_reconnect' | 'disconnected';

export interface ConnectionFacts {
  /** An operator or the merchant paused imports. */
  paused: boolean;
  /** Ecwid refused the token (or ShipStation the key): nothing can sync until new credentials arrive. */
  needsReconnect: boolean;
  disconnected: boolean;
}

export type ConnectionEvent =
  /** `pause` signal */
  | 'pause'
  /** `resume` signal */
  | 'resume'
  /** a credential was refused: by a sync, or by Ecwid when an uninstall webhook was checked */
  | 'credentials_refused'
  /** `updateConnection` with new credentials (OAuth reconnect, POST /connections) */
  | 'reconnect'
  /** `disconnect` signal (DELETE /connections/:id) */
  | 'disconnect';

export const CONNECTION_EVENTS: readonly ConnectionEvent[] = ['pause', 'resume', 'credentials_refused', 'reconnect', 'disconnect'];
export const CONNECTION_STATES: readonly ConnectionState[] = ['active', 'paused', 'needs_reconnect', 'disconnected'];

export function connectionStateOf(f: ConnectionFacts): ConnectionState {
  if (f.disconnected) return 'disconnected';
  if (f.needsReconnect) return 'needs_reconnect';
  if (f.paused) return 'paused';
  return 'active';
}

/** The facts after an event. A disconnected connection ignores everything. */
export function applyConnectionEvent(f: ConnectionFacts, event: ConnectionEvent): ConnectionFacts {
  if (f.disconnected) return f;
  switch (event) {
    case 'pause':
      return { ...f, paused: true };
    case 'resume':
      return { ...f, paused: false };
    case 'credentials_refused':
      return { ...f, needsReconnect: true };
    case 'reconnect':
      return { ...f, needsReconnect: false };
    case 'disconnect':
      return { ...f, disconnected: true };
  }
}

/** The facts behind a state recorded by a release that kept only the state (carried over continue-as-new). */
export function factsOfState(state: ConnectionState): ConnectionFacts {
  return { paused: state === 'paused', needsReconnect: state === 'needs_reconnect', disconnected: state === 'disconnected' };
}

/** Whether the connection imports orders in this state. */
export function syncsIn(state: ConnectionState): boolean {
  return state === 'active';
}
