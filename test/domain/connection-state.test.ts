import {
  CONNECTION_EVENTS,
  applyConnectionEvent,
  connectionStateOf,
  factsOfState,
  type ConnectionEvent,
  type ConnectionFacts,
  type ConnectionState,
} from '../../src/domain/connection-state';

const facts = (paused: boolean, needsReconnect: boolean, disconnected: boolean): ConnectionFacts => ({ paused, needsReconnect, disconnected });

/** The table of docs/connection-states.md, from each combination of facts: [paused, needsReconnect, disconnected] → state after each event. */
const TABLE: [ConnectionFacts, Record<ConnectionEvent, ConnectionState>][] = [
  [facts(false, false, false), { pause: 'paused', resume: 'active', credentials_refused: 'needs_reconnect', reconnect: 'active', disconnect: 'disconnected' }],
  [facts(true, false, false), { pause: 'paused', resume: 'active', credentials_refused: 'needs_reconnect', reconnect: 'paused', disconnect: 'disconnected' }],
  [facts(false, true, false), { pause: 'needs_reconnect', resume: 'needs_reconnect', credentials_refused: 'needs_reconnect', reconnect: 'active', disconnect: 'disconnected' }],
  [facts(true, true, false), { pause: 'needs_reconnect', resume: 'needs_reconnect', credentials_refused: 'needs_reconnect', reconnect: 'paused', disconnect: 'disconnected' }],
  [facts(false, false, true), { pause: 'disconnected', resume: 'disconnected', credentials_refused: 'disconnected', reconnect: 'disconnected', disconnect: 'disconnected' }],
  [facts(true, true, true), { pause: 'disconnected', resume: 'disconnected', credentials_refused: 'disconnected', reconnect: 'disconnected', disconnect: 'disconnected' }],
];

describe('connection state machine', () => {
  test.each(TABLE.flatMap(([from, to]) => CONNECTION_EVENTS.map((e) => [from, e, to[e]] as const)))(
    'from %o, %s → %s',
    (from, event, expected) => {
      expect(connectionStateOf(applyConnectionEvent(from, event))).toBe(expected);
    },
  );

  test('the state names the first fact that holds', () => {
    expect(connectionStateOf(facts(false, false, false))).toBe('active');
    expect(connectionStateOf(facts(true, false, false))).toBe('paused');
    expect(connectionStateOf(facts(true, true, false))).toBe('needs_reconnect');
    expect(connectionStateOf(facts(true, true, true))).toBe('disconnected');
  });

  test('pause, credentials refused, resume, reconnect: the store comes back active, never skipping the reconnect', () => {
    let f = factsOfState('active');
    const seen: ConnectionState[] = [];
    for (const e of ['pause', 'credentials_refused', 'resume', 'reconnect'] as const) {
      f = applyConnectionEvent(f, e);
      seen.push(connectionStateOf(f));
    }
    expect(seen).toEqual(['paused', 'needs_reconnect', 'needs_reconnect', 'active']);
  });

  test('a state recorded by the previous release maps to the same state', () => {
    for (const s of ['active', 'paused', 'needs_reconnect', 'disconnected'] as const) expect(connectionStateOf(factsOfState(s))).toBe(s);
  });
});
