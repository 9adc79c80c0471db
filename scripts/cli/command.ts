/**
 * What every command of the offline tool is: arguments in, one line on stderr and a non-zero exit
 * on failure (scripts/bidhall.ts). A command's summary lives in the registry there, so the usage
 * text needs no command module loaded.
 */
export interface CliCommand {
  run(args: string[]): Promise<void>;
}

/** A failure the person can act on: printed as it is, on one line. */
export class CliError extends Error {
  override name = "CliError";
}
