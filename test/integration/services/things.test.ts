import { Types } from 'mongoose';
import { ThingModel } from '../../../src/db/thing';
import { getThing, listThingsOf, registerThing } from '../../../src/services/things/things';
import { useTestDatabase } from '../../support/database';
import { codeOf, createAccount } from './seed';

const AT = new Date('2026-03-10T12:00:00Z');

describe('things service', () => {
  useTestDatabase();

  it('registers a thing under its normalized URL and trimmed title', async () => {
    const owner = await createAccount('creator');
    const thing = await registerThing(owner, { url: 'HTTPS://Blog.Example.org:443/post-1#comments', title: '  First post ' }, AT);
    expect(thing).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), url: 'https://blog.example.org/post-1', title: 'First post', ownerId: owner, createdAt: AT });
    expect(await getThing(thing.id)).toEqual(thing);
  });

  it('answers 409 thing-exists for the same URL in another spelling, whoever registers it', async () => {
    const [first, second] = [await createAccount('first'), await createAccount('second')];
    await registerThing(first, { url: 'https://example.org/', title: 'Home' }, AT);
    expect(await codeOf(registerThing(first, { url: 'https://EXAMPLE.org', title: 'Again' }, AT))).toBe('thing-exists');
    expect(await codeOf(registerThing(second, { url: 'https://example.org:443/#x', title: 'Mine' }, AT))).toBe('thing-exists');
    // another query is another thing
    await registerThing(second, { url: 'https://example.org/?page=2', title: 'Page 2' }, AT);
  });

  it('lets exactly one of 20 concurrent registrations of one URL win', async () => {
    const owners = await Promise.all(Array.from({ length: 20 }, (_, i) => createAccount(`racer${i}`)));
    const codes = await Promise.all(owners.map((owner, i) => codeOf(registerThing(owner, { url: `https://race.example/${i % 2 === 0 ? 'p' : 'p#f'}`, title: `T${i}` }, AT))));
    expect(codes.filter((code) => code === 'resolved')).toHaveLength(1);
    expect(codes.filter((code) => code === 'thing-exists')).toHaveLength(19);
    expect(await ThingModel.countDocuments({ url: 'https://race.example/p' })).toBe(1);
  });

  it('validates the URL and the title before writing anything', async () => {
    const owner = await createAccount('validator');
    const cases: Array<{ url: unknown; title: unknown }> = [
      { url: 'ftp://example.org/x', title: 'T' },
      { url: 'https://u:p@example.org/x', title: 'T' },
      { url: { $gt: '' }, title: 'T' },
      { url: 'https://valid.example/x', title: '' },
      { url: 'https://valid.example/x', title: 'x'.repeat(201) },
      { url: 'https://valid.example/x', title: { $ne: null } },
    ];
    for (const input of cases) expect(await codeOf(registerThing(owner, input, AT))).toBe('validation-failed');
    expect(await ThingModel.countDocuments({ ownerId: new Types.ObjectId(owner) })).toBe(0);
  });

  it('answers 404 for unknown and malformed ids alike', async () => {
    expect(await codeOf(getThing(new Types.ObjectId().toHexString()))).toBe('not-found');
    for (const id of ['nope', '', '0'.repeat(25), '{"$gt":""}']) expect(await codeOf(getThing(id))).toBe('not-found');
  });

  it('lists only the owner’s things, oldest first', async () => {
    const [alice, bob] = [await createAccount('alice'), await createAccount('bob')];
    const later = await registerThing(alice, { url: 'https://alice.example/2', title: 'Two' }, new Date('2026-03-12T00:00:00Z'));
    const earlier = await registerThing(alice, { url: 'https://alice.example/1', title: 'One' }, new Date('2026-03-11T00:00:00Z'));
    await registerThing(bob, { url: 'https://bob.example/1', title: 'Bob' }, AT);
    expect((await listThingsOf(alice)).map((thing) => thing.id)).toEqual([earlier.id, later.id]);
    expect(await listThingsOf(await createAccount('nobody'))).toEqual([]);
  });
});
