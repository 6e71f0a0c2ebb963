/**
 * Opens a URL in the default browser with the system's own opener. The opener is named by
 * absolute path so that the executable can be allowed to run it and nothing else
 * (`--allow-run=PATH`, see tools/compile.ts).
 *
 * @module
 */

/** The opener for an OS (`Deno.build.os`) or a compile target triple. */
export function browserOpener(os: string): string {
  if (os.includes("windows")) return "C:\\Windows\\explorer.exe";
  if (os.includes("darwin")) return "/usr/bin/open";
  return "/usr/bin/xdg-open";
}

/** Opens `url`; false when the system could not (no opener, no permission, no browser). */
export async function openBrowser(url: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(browserOpener(Deno.build.os), {
      args: [url],
      stdout: "null",
      stderr: "null",
    }).output();
    // explorer.exe exits with 1 even when it opened the page
    return success || Deno.build.os === "windows";
  } catch {
    return false;
  }
}
