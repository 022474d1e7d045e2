import { randomBytes } from 'node:crypto';
import { isDuplicateKeyError } from '../../db/errors';
import { ReservesSnapshotChunkModel } from '../../db/reserves-snapshot-chunk';
import { ReservesSnapshotModel, type ReservesSnapshot } from '../../db/reserves-snapshot';

/**
 * The one owner of reserves_snapshots and reserves_snapshot_chunks. A snapshot is written as the
 * plan store writes a plan: its chunks first under a fresh attempt id, then the snapshot document
 * (a unique insert by snapshot id) that names the attempt. Publishing the same id twice, or from two
 * instances at once, leaves one snapshot: the loser's chunks are deleted.
 */

/** The snapshot's head, without its secret. */
export type SnapshotHead = Omit<ReservesSnapshot, 'secret'> & { _id: string };
export type SnapshotWithSecret = ReservesSnapshot & { _id: string };

const CHUNK_CHARS = 4 * 1024 * 1024;
const HEAD_FIELDS = { secret: 0 } as const;

function chunksOf(text: string): string[] {
  const chunks: string[] = [];
  for (let offset = 0; offset < text.length; offset += CHUNK_CHARS) chunks.push(text.slice(offset, offset + CHUNK_CHARS));
  return chunks.length === 0 ? [''] : chunks;
}

export interface NewSnapshot {
  head: Omit<ReservesSnapshot, 'attempt' | 'publishedChunks' | 'leafChunks' | 'createdAt'> & { _id: string };
  publishedText: string;
  leavesText: string;
}

/** Stores a snapshot; false when one with this id existed already (then nothing of this one stays). */
export async function insertSnapshot(snapshot: NewSnapshot, at: Date): Promise<boolean> {
  const id = snapshot.head._id;
  const attempt = randomBytes(6).toString('hex');
  const rows = (kind: 'published' | 'leaves', text: string) =>
    chunksOf(text).map((chunk, index) => ({ _id: `${id}:${attempt}:${kind}:${index}`, snapshot: id, attempt, kind, index, text: chunk, createdAt: at }));
  const published = rows('published', snapshot.publishedText);
  const leaves = rows('leaves', snapshot.leavesText);
  await ReservesSnapshotChunkModel.insertMany([...published, ...leaves], { ordered: true });
  try {
    await ReservesSnapshotModel.create({ ...snapshot.head, attempt, publishedChunks: published.length, leafChunks: leaves.length, createdAt: at });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await ReservesSnapshotChunkModel.deleteMany({ snapshot: id, attempt });
    return false;
  }
}

export async function snapshotExists(id: string): Promise<boolean> {
  return (await ReservesSnapshotModel.exists({ _id: id })) !== null;
}

/** The newest snapshot (by when it was taken), or a named one; without the secret. */
export async function findSnapshotHead(id?: string): Promise<SnapshotHead | null> {
  if (id !== undefined) return ReservesSnapshotModel.findById(id, HEAD_FIELDS).lean<SnapshotHead>();
  return ReservesSnapshotModel.findOne({}, HEAD_FIELDS).sort({ takenAt: -1 }).lean<SnapshotHead>();
}

/** With the secret: only to re-issue a user's proof, which reveals their own salt alone. */
export async function findSnapshotWithSecret(id?: string): Promise<SnapshotWithSecret | null> {
  if (id !== undefined) return ReservesSnapshotModel.findById(id).lean<SnapshotWithSecret>();
  return ReservesSnapshotModel.findOne({}).sort({ takenAt: -1 }).lean<SnapshotWithSecret>();
}

/** The liabilities roots of these snapshots (the paydays' "reserves root" per month). */
export async function snapshotRootsOf(ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ReservesSnapshotModel.find({ _id: { $in: [...ids] } }, { root: 1 }).lean<Array<{ _id: string; root: string }>>();
  return new Map(rows.map((row) => [row._id, row.root]));
}

export async function readSnapshotText(head: Pick<SnapshotHead, '_id' | 'attempt' | 'publishedChunks' | 'leafChunks'>, kind: 'published' | 'leaves'): Promise<string> {
  const rows = await ReservesSnapshotChunkModel.find({ snapshot: head._id, attempt: head.attempt, kind }, { text: 1, index: 1 }).sort({ index: 1 }).lean();
  const expected = kind === 'published' ? head.publishedChunks : head.leafChunks;
  if (rows.length !== expected) throw new Error(`reserves snapshot ${head._id}/${head.attempt} has ${rows.length} of ${expected} ${kind} chunks`);
  return rows.map((row) => row.text).join('');
}
