/**
 * Where the data goes when plutus.yaml names no `database:`: a SQLite file in the project
 * folder. Its own small module, so that finding a project's database loads no model.
 *
 * @module
 */

/** The default of `database:`, relative to the project folder. */
export const DEFAULT_DATABASE = "data/plutus.db";
