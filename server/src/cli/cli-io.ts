/**
 * Where `parley` commands read their environment and write their output. Both are parameters so
 * that tests run commands in-process and read exactly what an operator would see.
 */

/** Environment variables, as `process.env` holds them. */
export type CliEnv = Record<string, string | undefined>;

/** Where a command writes: `out` for results, `err` for refusals and failures. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The real terminal. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
