import { ClaimModel, tryClaim } from './claim';

/**
 * A lease that makes one instance, out of any number, run a job (the scanner, the settlement).
 * Time is cut into slots; the holder of a slot is whoever inserted its claim document first. An
 * insert against a unique `_id` is race-free on MongoDB and on FerretDB alike (FerretDB applies
 * conditional updates without isolation, so a classic "update if expired" lease is not safe
 * there). The holder claims the next slot ahead of time, so it keeps the lease while alive; when
 * it dies, another instance takes the next slot.
 */
export class SlotLease {
  readonly #renewAheadMs: number;

  constructor(
    readonly name: string,
    readonly holder: string,
    readonly slotMs: number,
    readonly clock: () => Date,
  ) {
    this.#renewAheadMs = Math.floor(slotMs / 3);
  }

  /** True when this instance holds the lease now (claiming the current slot if it is free). */
  async holds(): Promise<boolean> {
    const now = this.clock().getTime();
    const slot = Math.floor(now / this.slotMs);
    const current = await this.#holderOf(slot);
    if (current !== this.holder) return false;
    if (now >= (slot + 1) * this.slotMs - this.#renewAheadMs) await this.#holderOf(slot + 1);
    return true;
  }

  /** Who holds the current slot (undefined when nobody claimed it yet), for messages to operators. */
  async holderNow(): Promise<string | undefined> {
    const slot = Math.floor(this.clock().getTime() / this.slotMs);
    return (await ClaimModel.findById(this.#key(slot)).lean())?.holder ?? undefined;
  }

  /** Gives the lease up (on shutdown), so another instance need not wait for the slot to end. */
  async release(): Promise<void> {
    const slot = Math.floor(this.clock().getTime() / this.slotMs);
    await ClaimModel.deleteMany({ _id: { $in: [this.#key(slot), this.#key(slot + 1)] }, holder: this.holder });
  }

  async #holderOf(slot: number): Promise<string | undefined> {
    if (await tryClaim(this.#key(slot), this.holder)) return this.holder;
    const claim = await ClaimModel.findById(this.#key(slot)).lean();
    return claim?.holder ?? undefined;
  }

  #key(slot: number): string {
    return `lease:${this.name}:${slot}`;
  }
}

export interface LeaseWait {
  /** How long to keep trying, in ms; 0 tries once. */
  waitMs: number;
  /** Between tries; default 1 s. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** True gives up at once (a signal arrived). */
  stopRequested?: () => boolean;
  /** Called once, before the first pause, with the holder then (to tell an operator why nothing happens). */
  onWaiting?: (heldBy: string | undefined) => void;
}

/**
 * Takes the lease, waiting up to `waitMs` for its holder to give it up or let it lapse. Answers
 * undefined when taken, else who held it at the last try, for the refusal message.
 */
export async function waitForLease(lease: SlotLease, wait: LeaseWait): Promise<{ heldBy: string | undefined } | undefined> {
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = lease.clock().getTime() + wait.waitMs;
  for (let tries = 0; ; tries++) {
    if (await lease.holds()) return undefined;
    const left = deadline - lease.clock().getTime();
    if (left <= 0 || wait.stopRequested?.() === true) return { heldBy: await lease.holderNow() };
    if (tries === 0) wait.onWaiting?.(await lease.holderNow());
    await sleep(Math.min(left, wait.pollMs ?? 1_000));
  }
}
