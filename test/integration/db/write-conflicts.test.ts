// Concurrent writers of one key: on DocumentDB they may deadlock inside PostgreSQL, which answers
// one of them with a write conflict (code 112) that MongoDB itself would have retried inside the
// server (src/db/write-conflict.ts). Whatever the server, every writer must get an answer: one
// stores the document, the others are told it is there. Many writers in one process are queued
// (src/db/one-writer-per-key.ts); a few from elsewhere repeat. On FerretDB these pass without a
// conflict.
import { Types } from 'mongoose';
import { ThingModel } from '../../../src/db/thing';
import { repeatOnWriteConflict } from '../../../src/db/write-conflict';
import { isDuplicateKeyError } from '../../../src/db/errors';
import { registerThing } from '../../../src/services/things/things';
import { codeOf, createAccount } from '../services/seed';
import { useTestDatabase } from '../../support/database';

const WRITERS = 20;
const ROUNDS = 3;
/** Writers that bypass the queue (as other processes would): few, as two instances or a double submit. */
const FEW = 3;
const FEW_ROUNDS = 5;
const AT = new Date('2026-03-10T12:00:00Z');

describe('concurrent writers of one key', () => {
  useTestDatabase();

  it(`registering one URL ${WRITERS} times at once, ${ROUNDS} times over: one registration each time, the others told it exists`, async () => {
    const owners = await Promise.all(Array.from({ length: WRITERS }, (_, i) => createAccount(`writer${i}`)));
    for (let round = 0; round < ROUNDS; round++) {
      const url = `https://conflict.example/${round}`;
      const codes = await Promise.all(owners.map((owner, i) => codeOf(registerThing(owner, { url, title: `T${i}` }, AT))));
      expect(codes.filter((code) => code === 'resolved')).toHaveLength(1);
      expect(codes.filter((code) => code === 'thing-exists')).toHaveLength(WRITERS - 1);
      expect(await ThingModel.countDocuments({ url })).toBe(1);
    }
  });

  it(`${FEW} writers in this process inserting one URL at once, ${FEW_ROUNDS} times over, each repeating on a write conflict: one insert each time, the others refused as duplicates`, async () => {
    for (let round = 0; round < FEW_ROUNDS; round++) {
      const url = `https://conflict.example/few/${round}`;
      const outcomes = await Promise.all(
        Array.from({ length: FEW }, (_, i) =>
          repeatOnWriteConflict(() => ThingModel.create({ url, title: `T${i}`, ownerId: new Types.ObjectId(), createdAt: AT })).then(
            () => 'inserted',
            (error: unknown) => (isDuplicateKeyError(error) ? 'duplicate' : error),
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(FEW - 1);
      expect(await ThingModel.countDocuments({ url })).toBe(1);
    }
  });
});
