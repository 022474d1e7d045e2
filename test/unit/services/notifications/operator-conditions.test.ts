import { DEFAULT_OPERATOR_THRESHOLDS, operatorConditions, type OperatorObservation } from '../../../../src/services/notifications/operator-conditions';
import { episodeId, episodeSteps, type OpenEpisode } from '../../../../src/services/notifications/episodes';

const healthy: OperatorObservation = {
  now: new Date('2026-11-01T03:00:00Z'),
  settlements: [{ period: '2026-09', state: 'confirmed', lastError: null }],
  node: { reachable: true, tip: 1000 },
  scannerHeight: 995,
  coverage: { liabilities: 10n, surplus: 0n },
};

describe('operator conditions', () => {
  it('finds nothing wrong in a healthy deployment', () => {
    expect(operatorConditions(healthy)).toEqual([]);
  });

  it('names a failing settlement per month, with its error; a confirmed month is never failing', () => {
    const conditions = operatorConditions({
      ...healthy,
      settlements: [
        { period: '2026-10', state: 'planned', lastError: 'the wallet is short' },
        { period: '2026-09', state: 'confirmed', lastError: 'old' },
        { period: '2026-11', state: 'closed', lastError: '' },
      ],
    });
    expect(conditions).toEqual([
      { key: 'settlement-failed:2026-10', kind: 'settlement-failed', holdMs: DEFAULT_OPERATOR_THRESHOLDS.holdMs['settlement-failed'], details: { period: '2026-10', state: 'planned', error: 'the wallet is short' } },
    ]);
  });

  it('calls a month stuck from 6 hours after it ended, not before', () => {
    const at = (iso: string) => operatorConditions({ ...healthy, now: new Date(iso), settlements: [{ period: '2026-10', state: 'broadcast', lastError: null }] });
    expect(at('2026-11-01T05:59:59Z')).toEqual([]);
    expect(at('2026-11-01T06:00:00Z')).toEqual([{ key: 'settlement-stuck:2026-10', kind: 'settlement-stuck', holdMs: 0, details: { period: '2026-10', state: 'broadcast', hours: '6' } }]);
    // The running month, closed early, is not stuck before its end.
    expect(operatorConditions({ ...healthy, settlements: [{ period: '2026-11', state: 'signed', lastError: null }] })).toEqual([]);
  });

  it('tells a lagging scanner from an unreachable node', () => {
    expect(operatorConditions({ ...healthy, scannerHeight: 990 }).map((c) => c.key)).toEqual([]);
    expect(operatorConditions({ ...healthy, scannerHeight: 989 })).toEqual([
      { key: 'scanner-lagging', kind: 'scanner-lagging', holdMs: DEFAULT_OPERATOR_THRESHOLDS.holdMs['scanner-lagging'], details: { lag: '11', height: '989', tip: '1000' } },
    ]);
    expect(operatorConditions({ ...healthy, scannerHeight: 10, node: { reachable: false } }).map((c) => c.key)).toEqual(['node-unreachable']);
    expect(operatorConditions({ ...healthy, scannerHeight: undefined, node: { reachable: true, tip: 5000 } })).toEqual([]);
  });

  it('tells custody below liabilities by the shortfall, and not when coverage could not be read', () => {
    expect(operatorConditions({ ...healthy, coverage: { liabilities: 500n, surplus: -1n } })).toEqual([
      { key: 'custody-below-liabilities', kind: 'custody-below-liabilities', holdMs: DEFAULT_OPERATOR_THRESHOLDS.holdMs['custody-below-liabilities'], details: { shortfall: '1', liabilities: '500' } },
    ]);
    expect(operatorConditions({ ...healthy, coverage: undefined })).toEqual([]);
  });
});

describe('condition episodes', () => {
  const t0 = new Date('2026-11-01T00:00:00Z');
  const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const nodeDown = operatorConditions({ ...healthy, node: { reachable: false } });

  it('opens an episode, fires it once after the hold time, and resolves it once', () => {
    expect(episodeSteps(nodeDown, [], t0)).toEqual([{ kind: 'open', key: 'node-unreachable', since: t0 }]);
    const open: OpenEpisode[] = [{ key: 'node-unreachable', since: t0, firedAt: null }];
    expect(episodeSteps(nodeDown, open, later(4))).toEqual([]);
    const fired = episodeSteps(nodeDown, open, later(5));
    expect(fired).toEqual([{ kind: 'fire', episodeId: 'node-unreachable@2026-11-01T00:00:00.000Z', key: 'node-unreachable', since: t0, condition: nodeDown[0] }]);
    const afterFire: OpenEpisode[] = [{ key: 'node-unreachable', since: t0, firedAt: later(5) }];
    // Still down an hour later: nothing more (not a mail a minute).
    expect(episodeSteps(nodeDown, afterFire, later(65))).toEqual([]);
    expect(episodeSteps([], afterFire, later(70))).toEqual([{ kind: 'resolve', episodeId: episodeId('node-unreachable', t0), key: 'node-unreachable', since: t0, fired: true }]);
  });

  it('fires at once a condition with no hold time, and forgets silently one that ended before firing', () => {
    const stuck = operatorConditions({ ...healthy, now: later(600), settlements: [{ period: '2026-10', state: 'broadcast', lastError: null }] });
    expect(episodeSteps(stuck, [], t0).map((step) => step.kind)).toEqual(['open', 'fire']);
    expect(episodeSteps([], [{ key: 'node-unreachable', since: t0, firedAt: null }], later(1))).toEqual([
      { kind: 'resolve', episodeId: episodeId('node-unreachable', t0), key: 'node-unreachable', since: t0, fired: false },
    ]);
  });

  it('starts a new episode, with a new id, when the condition comes back', () => {
    const [first] = episodeSteps(nodeDown, [], t0);
    const [second] = episodeSteps(nodeDown, [], later(90));
    expect(first?.kind === 'open' && second?.kind === 'open' && episodeId(first.key, first.since) !== episodeId(second.key, second.since)).toBe(true);
  });
});
