/**
 * ZIP files made by hand for tests: entries whose stated sizes the test chooses (a zip
 * bomb, a corrupt workbook), which no archiver would write.
 *
 * @module
 */

/** One entry of a ZIP file: its name, its bytes as stored (deflated), its inflated size. */
export interface ZipPart {
  name: string;
  data: Uint8Array;
  size: number;
}

/** A ZIP file of deflated entries (no CRCs: Plutus's reader does not need them). */
export function zipOf(parts: ZipPart[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const part of parts) {
    const nameBytes = new TextEncoder().encode(part.name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(18, part.data.length, true);
    lv.setUint32(22, part.size, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(20, part.data.length, true);
    cv.setUint32(24, part.size, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    chunks.push(local, part.data);
    centrals.push(central);
    offset += local.length + part.data.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, parts.length, true);
  ev.setUint16(10, parts.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concat([...chunks, ...centrals, end]);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
