/** The benchmark scripts' command-line options: `--name value` (the last one given wins). */

const argv = process.argv.slice(2);

/** The value after `--name`, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = argv.lastIndexOf(`--${name}`);
  return i === -1 ? fallback : (argv[i + 1] ?? fallback);
}

/** A numeric option; a value that is not a number is an error naming the option. */
export function numberOption(name: string, fallback: number): number {
  const raw = option(name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name}: expected a number, got ${JSON.stringify(raw)}`);
  return value;
}

/** Whether `--name` was given. */
export function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}
