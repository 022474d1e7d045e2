import { KibbleError } from '../../errors';

/**
 * A forward-only cursor over bytes in Bitcoin's little-endian wire format. Reads return numbers or
 * views into the underlying buffer (never copies), so a block parser can walk thousands of blocks a
 * second without allocating per byte. Every failure is a 'block-invalid' error naming the offset,
 * because this data comes from a node and a short read means a truncated or corrupt answer.
 */
export class ByteReader {
  private readonly view: DataView;
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Reserves `n` bytes and returns where they start; the single place short reads are caught. */
  private take(n: number, what: string): number {
    if (n > this.bytes.length - this.pos) {
      throw new KibbleError(
        'block-invalid',
        `data ends at offset ${this.pos} while reading ${what}: ${n} bytes needed, ` +
          `${this.bytes.length - this.pos} left`,
        { offset: this.pos, needed: n, remaining: this.bytes.length - this.pos },
      );
    }
    const start = this.pos;
    this.pos += n;
    return start;
  }

  uint8(what = 'uint8'): number {
    return this.view.getUint8(this.take(1, what));
  }

  uint16le(what = 'uint16'): number {
    return this.view.getUint16(this.take(2, what), true);
  }

  uint32le(what = 'uint32'): number {
    return this.view.getUint32(this.take(4, what), true);
  }

  int32le(what = 'int32'): number {
    return this.view.getInt32(this.take(4, what), true);
  }

  uint64le(what = 'uint64'): bigint {
    return this.view.getBigUint64(this.take(8, what), true);
  }

  /** A view (not a copy) of the next `n` bytes: callers that keep it keep the whole buffer alive. */
  slice(n: number, what = 'bytes'): Uint8Array {
    const start = this.take(n, what);
    return this.bytes.subarray(start, start + n);
  }

  skip(n: number, what = 'bytes'): void {
    this.take(n, what);
  }

  /** Bitcoin's CompactSize. Values past 2^53 cannot be a real length or count, so they are refused. */
  varint(what = 'varint'): number {
    const at = this.pos;
    const first = this.uint8(what);
    if (first < 0xfd) return first;
    if (first === 0xfd) return this.uint16le(what);
    if (first === 0xfe) return this.uint32le(what);
    const big = this.uint64le(what);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new KibbleError('block-invalid', `${what} at offset ${at} is too large (${big})`, {
        offset: at,
      });
    }
    return Number(big);
  }

  /**
   * A count of items that each take at least `minItemBytes`: checked against what is left before
   * any loop runs, so a corrupt count fails at once with its offset instead of deep in the loop.
   */
  count(minItemBytes: number, what: string): number {
    const at = this.pos;
    const n = this.varint(what);
    if (n * minItemBytes > this.remaining) {
      throw new KibbleError(
        'block-invalid',
        `${what} at offset ${at} is ${n}, but only ${this.remaining} bytes are left`,
        { offset: at, count: n, remaining: this.remaining },
      );
    }
    return n;
  }
}
