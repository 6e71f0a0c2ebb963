/**
 * Messages as JSON lines between Plutus and its query process, keeping what JSON cannot:
 * big integers and blobs travel as `{"$bigint": "…"}` and `{"$bytes": "<base64>"}`.
 *
 * @module
 */

/** One message as one line, newline included. */
export function encodeLine(message: unknown): string {
  return JSON.stringify(message, (_key, value) => {
    if (typeof value === "bigint") return { $bigint: value.toString() };
    if (value instanceof Uint8Array) return { $bytes: toBase64(value) };
    return value;
  }) + "\n";
}

/** The message of one line. */
export function decodeLine(line: string): unknown {
  return JSON.parse(line, (_key, value) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      if (typeof value.$bigint === "string") return BigInt(value.$bigint);
      if (typeof value.$bytes === "string") return fromBase64(value.$bytes);
    }
    return value;
  });
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
