/**
 * Errors cross the worker boundary as plain data and become the same error classes again.
 *
 * @module
 */
import { PlutusError, SourceError, UsageError } from "../../util/errors.ts";

/** An error as posted between threads. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  hint?: string;
  location?: string;
  stack?: string;
}

/** Turns any thrown value into plain data. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof PlutusError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      hint: error.hint,
      location: error.location,
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: "Error", message: String(error) };
}

/** Rebuilds an error posted by serializeError. */
export function deserializeError(data: SerializedError): Error {
  if (data.code !== undefined) {
    const options = { code: data.code, hint: data.hint, location: data.location };
    return data.name === "SourceError"
      ? new SourceError(data.message, options)
      : data.name === "UsageError"
      ? new UsageError(data.message, options)
      : new PlutusError(data.message, options);
  }
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
