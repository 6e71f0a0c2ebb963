/**
 * Cuts an inflating XML stream into text pieces that each end just after a closing tag
 * (`</row>`, `</si>`), looking for the tag in the bytes before decoding them. Every byte
 * is decoded once, and bytes without the tag are only held up to a limit: a sheet of one
 * 1.5 GB cell is refused after `maxBytes`, where joining text and searching it again at
 * every chunk piled up copies of it in memory before the limit was reached.
 *
 * @module
 */

/** Pieces of `stream`'s text, each ending with `marker` (the last may not); `tooLong` past `maxBytes` without one. */
export async function* piecesEndingWith(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  marker: string,
  maxBytes: number,
  tooLong: () => Error,
): AsyncGenerator<string> {
  const tag = new TextEncoder().encode(marker);
  const decoder = new TextDecoder();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream) {
    const cut = cutAfterLast(pending[pending.length - 1], chunk, tag);
    if (cut === -1) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes > maxBytes) throw tooLong();
      continue;
    }
    pending.push(chunk.subarray(0, cut));
    yield decoder.decode(join(pending, pendingBytes + cut));
    // a copy, so the rest does not keep the whole (maybe 16 MB) chunk alive
    pending = cut < chunk.length ? [chunk.slice(cut)] : [];
    pendingBytes = chunk.length - cut;
  }
  if (pendingBytes > 0) yield decoder.decode(join(pending, pendingBytes));
}

/** Where in `chunk` the last `tag` ends (it may start in `before`), or -1. */
export function cutAfterLast(
  before: Uint8Array | undefined,
  chunk: Uint8Array,
  tag: Uint8Array,
): number {
  const first = tag[0]!;
  for (
    let at = chunk.lastIndexOf(first);
    at !== -1;
    at = at > 0 ? chunk.lastIndexOf(first, at - 1) : -1
  ) {
    if (at + tag.length <= chunk.length && matches(chunk, at, tag)) return at + tag.length;
  }
  // the tag across the boundary: it starts in the tail of `before`
  if (!before) return -1;
  for (let inChunk = Math.min(tag.length - 1, chunk.length); inChunk >= 1; inChunk--) {
    const inBefore = tag.length - inChunk;
    if (inBefore > before.length) continue;
    let same = true;
    for (let i = 0; i < tag.length && same; i++) {
      const byte = i < inBefore ? before[before.length - inBefore + i] : chunk[i - inBefore];
      same = byte === tag[i];
    }
    if (same) return inChunk;
  }
  return -1;
}

function matches(bytes: Uint8Array, at: number, tag: Uint8Array): boolean {
  for (let i = 1; i < tag.length; i++) if (bytes[at + i] !== tag[i]) return false;
  return true;
}

function join(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
