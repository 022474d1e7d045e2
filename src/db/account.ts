import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredAmount } from './fields';

/** The key that makes handles unique regardless of case ("Alice" and "alice" collide). */
export function handleKeyOf(handle: string): string {
  return handle.normalize('NFKC').toLowerCase();
}

const accountSchema = new Schema(
  {
    /** As the user typed it (shown in pages). */
    handle: { type: String, required: true, trim: true },
    /** `handleKeyOf(handle)`, set on validation: unique index (FerretDB has no collations). */
    handleKey: { type: String, required: true },
    passwordHash: { type: String, required: true },
    /** BIP32 index of the deposit address `.../0/<depositIndex>`, from the counters collection. */
    depositIndex: {
      type: Number,
      required: true,
      min: 0,
      max: 0x7fffffff,
      validate: { validator: Number.isInteger, message: 'depositIndex must be an integer' },
    },
    /**
     * The address of `depositIndex`, stored at creation so that showing it costs no derivation;
     * optional only for accounts created before the field existed (derive it from the index).
     */
    depositAddress: { type: String },
    /** In coins; with `fiatBudget` set, the estimate at the price when it was set (the month converts at the price then). */
    monthlyBudget: { ...requiredAmount, default: 0n },
    /** A monthly budget in a fiat currency (money/fiat.ts): the settlement converts it at planning. */
    fiatBudget: {
      type: new Schema({ currency: { type: String, required: true }, amount: { type: String, required: true } }, { _id: false }),
      required: false,
    },
    /** The currency values are shown in (a preference; default from the fiat budget, else the locale). */
    currency: { type: String },
    payoutAddress: { type: String },
    /** The e-mail address the account gave, lower-cased; mail goes to it once confirmed. */
    email: { type: String },
    /** When `email` was confirmed by its link; absent while unconfirmed. */
    emailConfirmedAt: { type: Date },
    /** The language mails to this account are written in ('en' or 'fr'), set when it gives an address. */
    mailLocale: { type: String },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'accounts' },
);

accountSchema.index({ handleKey: 1 }, { unique: true });
accountSchema.index({ depositIndex: 1 }, { unique: true });

accountSchema.pre('validate', function setHandleKey() {
  if (typeof this.handle === 'string') this.handleKey = handleKeyOf(this.handle.trim());
});

export type Account = InferSchemaType<typeof accountSchema> & { _id: Types.ObjectId };
export const AccountModel = model('Account', accountSchema);
