import { Types } from 'mongoose';
import { SubscriptionModel } from '../../../src/db/subscription';
import { subscribe, subscriptionsOf, unsubscribe } from '../../../src/services/subscriptions/subscriptions';
import { registerThing } from '../../../src/services/things/things';
import { useTestDatabase } from '../../support/database';
import { codeOf, createAccount } from './seed';

const AT = new Date('2026-03-10T12:00:00Z');
let thingCounter = 0;

async function newThing(ownerId: string): Promise<{ id: string; url: string; title: string }> {
  thingCounter += 1;
  return registerThing(ownerId, { url: `https://subs.example/${thingCounter}`, title: `Thing ${thingCounter}` }, AT);
}

async function activeCount(donorId: string, thingId: string): Promise<number> {
  return SubscriptionModel.countDocuments({ donorId: new Types.ObjectId(donorId), thingId: new Types.ObjectId(thingId), active: true });
}

describe('subscriptions service', () => {
  useTestDatabase();

  it('subscribes a donor to a thing and lists it with the thing', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    const subscription = await subscribe(donor, thing.id, AT);
    expect(subscription).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), donorId: donor, thingId: thing.id, createdAt: AT });
    expect(await subscriptionsOf(donor)).toEqual([{ ...subscription, thing: { url: thing.url, title: thing.title } }]);
  });

  it('answers 409 already-subscribed to a second subscription, 403 on one’s own thing, 404 on unknown things', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    await subscribe(donor, thing.id, AT);
    expect(await codeOf(subscribe(donor, thing.id, AT))).toBe('already-subscribed');
    expect(await codeOf(subscribe(creator, thing.id, AT))).toBe('own-thing');
    expect(await codeOf(subscribe(donor, new Types.ObjectId().toHexString(), AT))).toBe('not-found');
    expect(await codeOf(subscribe(donor, 'x', AT))).toBe('not-found');
    expect(await activeCount(donor, thing.id)).toBe(1);
  });

  it('gives exactly one subscription to 20 concurrent subscribes', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    const codes = await Promise.all(Array.from({ length: 20 }, () => codeOf(subscribe(donor, thing.id, AT))));
    expect(codes.filter((code) => code === 'resolved')).toHaveLength(1);
    expect(codes.filter((code) => code === 'already-subscribed')).toHaveLength(19);
    expect(await activeCount(donor, thing.id)).toBe(1);
  });

  it('re-subscribes after unsubscribing, with a new id the old one cannot end', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    const first = await subscribe(donor, thing.id, AT);
    await unsubscribe(donor, first.id);
    expect(await subscriptionsOf(donor)).toEqual([]);
    expect(await codeOf(unsubscribe(donor, first.id))).toBe('not-found');

    const second = await subscribe(donor, thing.id, AT);
    expect(second.id).not.toBe(first.id);
    expect(await codeOf(unsubscribe(donor, first.id))).toBe('not-found');
    expect((await subscriptionsOf(donor)).map((s) => s.id)).toEqual([second.id]);
  });

  it('gives exactly one winner to 20 concurrent re-subscribes', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    await unsubscribe(donor, (await subscribe(donor, thing.id, AT)).id);
    const codes = await Promise.all(Array.from({ length: 20 }, () => codeOf(subscribe(donor, thing.id, AT))));
    expect(codes.filter((code) => code === 'resolved')).toHaveLength(1);
    expect(await activeCount(donor, thing.id)).toBe(1);
  });

  it('is not blocked by an inactive subscription document left from before', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thing = await newThing(creator);
    await SubscriptionModel.create({ donorId: new Types.ObjectId(donor), thingId: new Types.ObjectId(thing.id), active: false, createdAt: AT });
    expect(await subscriptionsOf(donor)).toEqual([]);
    await subscribe(donor, thing.id, AT);
    expect(await activeCount(donor, thing.id)).toBe(1);
  });

  it('never shows or ends another donor’s subscription', async () => {
    const [creator, alice, mallory] = [await createAccount('creator'), await createAccount('alice'), await createAccount('mallory')];
    const thing = await newThing(creator);
    const alices = await subscribe(alice, thing.id, AT);
    expect(await subscriptionsOf(mallory)).toEqual([]);
    // the same answer as for an id that does not exist
    expect(await codeOf(unsubscribe(mallory, alices.id))).toBe('not-found');
    expect(await codeOf(unsubscribe(mallory, new Types.ObjectId().toHexString()))).toBe('not-found');
    expect(await codeOf(unsubscribe(mallory, '{"$ne":null}'))).toBe('not-found');
    expect((await subscriptionsOf(alice)).map((s) => s.id)).toEqual([alices.id]);
  });

  it('lists the donor’s subscriptions oldest first', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const [a, b] = [await newThing(creator), await newThing(creator)];
    await subscribe(donor, b.id, new Date('2026-03-12T00:00:00Z'));
    await subscribe(donor, a.id, new Date('2026-03-11T00:00:00Z'));
    expect((await subscriptionsOf(donor)).map((s) => s.thingId)).toEqual([a.id, b.id]);
  });
});
