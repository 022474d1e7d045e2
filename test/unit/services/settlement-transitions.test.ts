import { mayMove, SETTLEMENT_TRANSITIONS, stateAfter, transitionFilter, type SettlementTransition } from '../../../src/services/settlement/transitions';
import type { SettlementState } from '../../../src/services/settlement/settlement-store';

// DESIGN.md section 5, written out here rather than imported: the table must agree with the design.
const STATES: readonly SettlementState[] = ['open', 'closed', 'planned', 'signed', 'broadcast', 'confirmed'];

/** For each move, the states it may start from and the state it leaves (by hand, from the design). */
const EXPECTED: Record<SettlementTransition, { from: SettlementState[]; to: 'same' | SettlementState }> = {
  subscriptionClicksAdded: { from: ['closed'], to: 'same' },
  planned: { from: ['closed'], to: 'planned' },
  allocationWritten: { from: ['planned'], to: 'same' },
  signed: { from: ['planned'], to: 'signed' },
  transactionsUpdated: { from: ['signed', 'broadcast'], to: 'same' },
  broadcast: { from: ['signed'], to: 'broadcast' },
  commitmentChecked: { from: ['broadcast'], to: 'same' },
  confirmed: { from: ['broadcast'], to: 'confirmed' },
};

const TRANSITIONS = Object.keys(SETTLEMENT_TRANSITIONS) as SettlementTransition[];

/** What MongoDB does with the filter's `state` condition, for one stored state. */
function filterMatches(filter: ReturnType<typeof transitionFilter>, state: SettlementState): boolean {
  return typeof filter.state === 'string' ? filter.state === state : filter.state.$in.includes(state);
}

describe('the settlement moves and the states they start from', () => {
  it('names exactly the moves of the design', () => {
    expect(TRANSITIONS.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(TRANSITIONS)('%s', (transition) => {
    const expected = EXPECTED[transition];

    it.each(STATES)('from %s: allowed only from its expected states', (state) => {
      expect(mayMove(state, transition)).toBe(expected.from.includes(state));
    });

    it.each(STATES)('from %s: the update filter matches exactly when the move is allowed', (state) => {
      const filter = transitionFilter('2026-07', transition);
      expect(filter._id).toBe('2026-07');
      expect(filterMatches(filter, state)).toBe(mayMove(state, transition));
    });

    it('leaves the expected state', () => {
      for (const from of expected.from) expect(stateAfter(from, transition)).toBe(expected.to === 'same' ? from : expected.to);
    });
  });

  it('moves forward one state at a time, and never from open (no document) or confirmed', () => {
    for (const transition of TRANSITIONS) {
      for (const from of STATES.filter((state) => mayMove(state, transition))) {
        const after = STATES.indexOf(stateAfter(from, transition));
        expect(after - STATES.indexOf(from)).toBeGreaterThanOrEqual(0);
        expect(after - STATES.indexOf(from)).toBeLessThanOrEqual(1);
      }
      expect(mayMove('open', transition)).toBe(false);
      expect(mayMove('confirmed', transition)).toBe(false);
    }
  });

  it('has one move into each state after closed', () => {
    for (const state of STATES.slice(2)) {
      const into = TRANSITIONS.filter((transition) => SETTLEMENT_TRANSITIONS[transition].to === state);
      expect(into).toHaveLength(1);
    }
  });
});
