import { isWriteConflict, repeatOnWriteConflict, WRITE_CONFLICT_ATTEMPTS, WRITE_CONFLICT_CODE } from '../../../src/db/write-conflict';

const conflict = (): Error => Object.assign(new Error('Could not acquire lock for operation due to deadlock'), { code: WRITE_CONFLICT_CODE });
const duplicate = (): Error => Object.assign(new Error('E11000 duplicate key'), { code: 11000 });

describe('write conflicts (DocumentDB: a deadlock between concurrent writers of one key)', () => {
  it.each([
    ['the error itself', { code: 112 }, true],
    ['one of a bulk write’s failures (the driver, insert-built.ts)', { writeErrors: [{ code: 11000 }, { code: 112 }] }, true],
    ['one of a bulk write’s failures (mongoose)', { writeErrors: [{ err: { code: 11000 } }, { err: { code: 112 } }] }, true],
    ['a single failure left unwrapped', { writeErrors: { code: 112 } }, true],
    ['a duplicate key', { code: 11000 }, false],
    ['a bulk write of duplicates only', { writeErrors: [{ code: 11000 }, { err: { code: 11000 } }] }, false],
    ['another error', new Error('connection closed'), false],
    ['not an error', 'deadlock', false],
    ['nothing', null, false],
  ])('recognises %s: %j -> %s', (_name, error, expected) => {
    expect(isWriteConflict(error)).toBe(expected);
  });

  it('repeats the write until it goes through', async () => {
    let calls = 0;
    const answer = await repeatOnWriteConflict(() => {
      calls += 1;
      return calls < 3 ? Promise.reject(conflict()) : Promise.resolve('stored');
    });
    expect(answer).toBe('stored');
    expect(calls).toBe(3);
  });

  it(`passes the conflict on after ${WRITE_CONFLICT_ATTEMPTS} attempts`, async () => {
    let calls = 0;
    const failing = repeatOnWriteConflict(() => {
      calls += 1;
      return Promise.reject(conflict());
    });
    await expect(failing).rejects.toMatchObject({ code: WRITE_CONFLICT_CODE });
    expect(calls).toBe(WRITE_CONFLICT_ATTEMPTS);
  });

  it('passes any other failure on at once (a duplicate key is its caller’s answer)', async () => {
    let calls = 0;
    const failing = repeatOnWriteConflict(() => {
      calls += 1;
      return Promise.reject(duplicate());
    });
    await expect(failing).rejects.toMatchObject({ code: 11000 });
    expect(calls).toBe(1);
  });
});
