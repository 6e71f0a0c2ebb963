/**
 * What the disk and SQLite say when they cannot go on — a full disk, a read-only folder, a
 * failing drive, a damaged database — turned into errors that tell the analyst what
 * happened and what to do, instead of "unexpected".
 *
 * @module
 */
import { PlutusError } from "./errors.ts";

interface Known {
  code: string;
  test: RegExp;
  what: string;
  hint: string;
}

const KNOWN: Known[] = [
  {
    code: "disk_full",
    test: /No space left on device|os error 28|database or disk is full|SQLITE_FULL/i,
    what: "the disk is full",
    hint:
      "Free some space on the disk that holds the project folder, then run again (plutus rerun for the files that failed). What was being loaded was rolled back. A large file whose keys come in no order also needs about twice its size free in the system's temporary folder (/var/tmp, or the folder SQLITE_TMPDIR names).",
  },
  {
    code: "not_writable",
    test:
      /Read-only file system|os error 30|attempt to write a readonly database|Permission denied|os error 13|SQLITE_READONLY/i,
    what: "the project folder cannot be written",
    hint:
      "Make the project folder (and its data/ and logs/ folders) writable for you, then run again.",
  },
  {
    code: "disk_error",
    test: /disk I\/O error|Input\/output error|os error 5\b|SQLITE_IOERR/i,
    what: "the disk reported an error",
    hint:
      "Check the disk (and that it is still connected), then run again. What was being loaded was rolled back.",
  },
  {
    // SQLITE_BUSY after the 5 s wait: another program's write transaction (a DB browser with
    // unsaved changes, a BI tool, a script); Plutus's own runs never meet: the run lock
    code: "db_locked",
    test: /database is locked|database table is locked|SQLITE_BUSY|SQLITE_LOCKED/i,
    what: "another program holds the database (it has a write transaction open)",
    hint:
      "Close the program that has the database open with changes not yet saved (DB Browser for SQLite, a BI tool, a script), or commit or close its transaction (DB Browser: Write Changes or Revert Changes), then run the command again: it changed nothing.",
  },
  {
    code: "name_too_long",
    test: /File name too long|os error 36\b|ENAMETOOLONG/i,
    what: "a file name is too long for the file system",
    hint:
      "Rename the file to a shorter name (at most 255 bytes; fewer with accents or emoji), then try again.",
  },
  {
    code: "db_damaged",
    test: /database disk image is malformed|file is not a database|SQLITE_CORRUPT|SQLITE_NOTADB/i,
    what: "the database file is damaged",
    hint:
      "Keep a copy of data/plutus.db, then see docs/reliability.md (Recovering a damaged database).",
  },
];

/** A PlutusError that explains `error`, when it is one of the disk's or SQLite's; else undefined. */
export function explainIoError(error: unknown): PlutusError | undefined {
  if (error instanceof PlutusError) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const known = KNOWN.find((k) => k.test.test(message));
  if (!known) return undefined;
  return new PlutusError(`${known.what} (${message})`, {
    code: known.code,
    hint: known.hint,
    cause: error,
  });
}
