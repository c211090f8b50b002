// The error the CLI prints as its message (no stack) and exits with: 2 when it could not do
// what was asked, 1 when a test failed.
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}
