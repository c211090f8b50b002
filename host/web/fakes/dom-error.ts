// Errors as the browser gives them: a DOMException whose name says the kind (NotFoundError,
// NetworkError, InvalidStateError...), so the transports are tested against what Chrome throws.
export function domError(name: string, message: string): Error {
  if (typeof DOMException === "function") return new DOMException(message, name) as unknown as Error;
  var e = new Error(message);
  e.name = name;
  return e;
}
