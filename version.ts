/** The version of Plutus: the one place it is written. Keep CHANGELOG.md in step. */
export const VERSION = "0.2.0";
