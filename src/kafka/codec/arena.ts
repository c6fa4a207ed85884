// Buffers in one WebAssembly memory, so that produce's byte copies are one memory.copy each.
//
// Why: a record's key and value are copied once, from the input chunk into its batch. In
// JavaScript that copy is the costliest step of the produce path: measured on 100-byte values,
// 60-90 ns per copy with DataView words (encode.ts), about 95 ns with Buffer#copy and 130 ns
// with TypedArray#set (both make a view object per call), against 12-14 ns for WebAssembly's
// memory.copy, which is a memcpy. memory.copy moves bytes only within its own memory, so the
// input chunks (lines.ts) and the batch buffers (sender.ts) are taken from here; a copy between
// anything else falls back to the JavaScript one (copyRange in encode.ts), with the same result.
//
// The memory has a fixed size and never grows: growing would detach every Buffer made on it.
// Blocks are powers of two from 16 KiB to 2 MiB, kept on free lists when released; when the
// memory is used up, or for a larger block, an ordinary Buffer is returned instead. A block
// must be released only when nothing refers to it any more (a batch: once acknowledged).
const MIN_BLOCK = 16 << 10;
const MAX_BLOCK = 2 << 20;
const ARENA_BYTES = 48 << 20;
const PAGE = 64 << 10;

// (module (import "m" "mem" (memory 1))
//   (func (export "copy") (param $dst i32) (param $src i32) (param $len i32)
//     local.get 0 local.get 1 local.get 2 memory.copy))
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00,
  0x02, 0x0a, 0x01, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x00,
  0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b,
]);

/** The part of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface Wasm {
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

class Arena {
  readonly memory = new wasm.Memory({ initial: ARENA_BYTES / PAGE, maximum: ARENA_BYTES / PAGE });
  readonly buffer = this.memory.buffer;
  readonly copy: (dst: number, src: number, len: number) => void;
  private readonly free = new Map<number, number[]>();
  private top = 0;

  constructor() {
    const instance = new wasm.Instance(new wasm.Module(MODULE), { m: { mem: this.memory } });
    this.copy = instance.exports.copy as (dst: number, src: number, len: number) => void;
  }

  alloc(size: number): Buffer {
    let block = MIN_BLOCK;
    while (block < size) block *= 2;
    if (block > MAX_BLOCK) return Buffer.allocUnsafe(size);
    const reused = this.free.get(block)?.pop();
    if (reused !== undefined) return Buffer.from(this.buffer, reused, block);
    if (this.top + block > ARENA_BYTES) return Buffer.allocUnsafe(size);
    const at = this.top;
    this.top += block;
    return Buffer.from(this.buffer, at, block);
  }

  release(buf: Buffer): void {
    if (buf.buffer !== this.buffer) return;
    const list = this.free.get(buf.length);
    if (list) list.push(buf.byteOffset);
    else this.free.set(buf.length, [buf.byteOffset]);
  }
}

let arena: Arena | undefined;

/** A buffer of at least `size` bytes, in the arena when there is room. */
export function arenaBuffer(size: number): Buffer {
  arena ??= new Arena();
  return arena.alloc(size);
}

/** Gives a buffer from arenaBuffer back for reuse; any other buffer is left to the GC. */
export function releaseBuffer(buf: Buffer): void {
  arena?.release(buf);
}

/** Where `buf` starts in the arena, or -1 when it is not there. Asked once per buffer, not per copy. */
export function arenaOffset(buf: Buffer): number {
  return arena !== undefined && buf.buffer === arena.buffer ? buf.byteOffset : -1;
}

/**
 * memory.copy of `len` bytes between arena offsets (from arenaOffset, plus the positions within
 * the buffers); the caller keeps both ranges inside their buffers.
 */
export function arenaCopy(dst: number, src: number, len: number): void {
  arena!.copy(dst, src, len);
}
