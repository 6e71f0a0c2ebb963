/**
 * Two tabs (or a tab and an editor) editing one file: a form carries the version of the
 * file it was filled from, and a save over a file changed since is refused, the analyst's
 * text kept — without it, the later save silently undid the earlier one.
 *
 * @module
 */
import { html } from "hono/html";
import { PlutusError } from "../util/errors.ts";

/** A file's text as the version a form carries ("" for a file that does not exist). */
export async function fileVersion(text: string | undefined): Promise<string> {
  if (text === undefined) return "";
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 12), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** The hidden field a form sends its file's version in. */
export function versionField(version: string) {
  return html`<input type="hidden" name="version" value="${version}">`;
}

/** Refuses the save when `path` is no longer the version the form was filled from. */
export async function assertUnchanged(
  path: string,
  shown: string,
  version: unknown,
): Promise<void> {
  if (typeof version !== "string") return; // a form of before this check: saved as before
  const now = await Deno.readTextFile(path).catch(() => undefined);
  if (await fileVersion(now) === version) return;
  throw new PlutusError(
    `${shown} was changed since this page was opened (in another tab or an editor)`,
    {
      code: "edit_conflict",
      hint:
        "Your text is below, not saved. Copy what you changed, open the page again to see the file as it is now, and make your change there.",
    },
  );
}
