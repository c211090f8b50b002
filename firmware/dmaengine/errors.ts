// DmaError: an Error carrying a `.code` (errno-like name). Espruino's built-in errors have no
// `.name` and `class X extends Error` is broken there (espruino-compat.md), so the code lives in
// a field of our own and callers test `e.code`, never `instanceof`.

/** The error codes the core and the providers throw: codes.EINVAL === "EINVAL", ... (built
 * from one string: the bundle's source stays in the board's RAM). */
export var codes: { [code: string]: string } = {};
"EINVAL EBUSY EDEADLK ETIMEDOUT ENODEV E2BIG ENOMEM EFAULT EPERM ENOSYS".split(" ").forEach(function (c) {
  codes[c] = c;
});

export interface DmaError extends Error {
  code: string;
}

/** A new DmaError. The message should say what the caller must do instead. It starts with the
 * code: Espruino prints an uncaught Error as `Uncaught Error: <message>` and shows neither its
 * `.name` nor its other fields (measured on 2v29), so the code is seen at the REPL only there. */
export function dmaError(code: string, message: string): DmaError {
  var e: any = new Error(code + ": " + message);
  e.code = code;
  e.name = "DmaError";
  return e;
}

/** Throws a DmaError: `if (bad) fail(code, msg)` is shorter than `throw dmaError(...)` at
 * every one of the many check sites. */
export function fail(code: string, message: string): never {
  throw dmaError(code, message);
}

/** Throws EINVAL, the most common misuse. */
export function inval(message: string): never {
  throw dmaError("EINVAL", message);
}

/** True for errors made by dmaError(). */
export function isDmaError(e: any): boolean {
  return !!e && e.name === "DmaError" && typeof e.code === "string";
}
