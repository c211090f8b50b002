// DmaError: an Error carrying a `.code` (errno-like name). Espruino's built-in errors have no
// `.name` and `class X extends Error` is broken there (espruino-compat.md), so the code lives in
// a field of our own and callers test `e.code`, never `instanceof`.

/** The error codes the core and the providers throw. */
export var codes = {
  EINVAL: "EINVAL",
  EBUSY: "EBUSY",
  EDEADLK: "EDEADLK",
  ETIMEDOUT: "ETIMEDOUT",
  ENODEV: "ENODEV",
  E2BIG: "E2BIG",
  ENOMEM: "ENOMEM",
  EFAULT: "EFAULT",
  EPERM: "EPERM",
};

export interface DmaError extends Error {
  code: string;
}

/** A new DmaError. The message should say what the caller must do instead. */
export function dmaError(code: string, message: string): DmaError {
  var e: any = new Error(message);
  e.code = code;
  e.name = "DmaError";
  return e;
}

/** EINVAL, the most common misuse (one short call instead of the code at every site). */
export function inval(message: string): DmaError {
  return dmaError("EINVAL", message);
}

/** True for errors made by dmaError(). */
export function isDmaError(e: any): boolean {
  return !!e && e.name === "DmaError" && typeof e.code === "string";
}
