import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions, createdAt, requiredObjectId } from './fields';

const thingSchema = new Schema(
  {
    /** Normalized by the things service before it gets here; one thing per URL. */
    url: { type: String, required: true },
    title: { type: String, required: true, trim: true },
    ownerId: requiredObjectId,
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'things' },
);

thingSchema.index({ url: 1 }, { unique: true });
thingSchema.index({ ownerId: 1 });

export type Thing = InferSchemaType<typeof thingSchema> & { _id: Types.ObjectId };
export const ThingModel = model('Thing', thingSchema);
