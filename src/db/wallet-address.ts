import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

export const WALLET_ADDRESS_KINDS = ['deposit', 'change'] as const;
export type WalletAddressKind = (typeof WALLET_ADDRESS_KINDS)[number];

/**
 * Every address of the service's HD tree that was handed out (deposit) or used (change). Stored
 * when created because deriving is slow (~0.4 ms each): the scanner loads 100,000+ of them at
 * start-up from here, not by re-deriving.
 */
const walletAddressSchema = new Schema(
  {
    /** The address itself. */
    _id: { type: String, required: true },
    kind: { type: String, enum: WALLET_ADDRESS_KINDS, required: true },
    /** BIP32 index on its branch: `.../0/<index>` (deposit) or `.../1/<index>` (change). */
    index: { type: Number, required: true, min: 0 },
    /** The donor whose deposits arrive here (deposit addresses only). */
    accountId: { type: String },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'wallet_addresses' },
);

/**
 * The highest change index (wallet-addresses.ts lastChangeIndex). Not unique: the `_id` (the address)
 * already refuses a second entry for a path, since one HD key derives one address per path; a
 * unique { kind, index } made every insert on DocumentDB cost O(addresses of that kind).
 */
walletAddressSchema.index({ kind: 1, index: 1 });
/** The scanner reads the addresses added since its snapshot (services/wallet-watch/watch-snapshot-store.ts). */
walletAddressSchema.index({ createdAt: 1 });

export type WalletAddress = InferSchemaType<typeof walletAddressSchema>;
export const WalletAddressModel = model('WalletAddress', walletAddressSchema);
