/**
 * The Content-Disposition of a download: an ASCII name for every browser, and the UTF-8
 * one (RFC 6266 `filename*`) for those that read it. A header holds only Latin-1: a file
 * named `kontakte_ü_数据.csv` written there as it is failed the download.
 *
 * @module
 */

/** `attachment; filename="…"; filename*=UTF-8''…` for a file named `name`. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
