import { Command } from "commander";

/**
 * Test helper: runs `yardstick <args>` in this process with the given commands registered and
 * returns what it wrote to standard output (errors propagate, as `main` would report them).
 */
export async function runCli(
  register: readonly ((program: Command) => void)[],
  args: readonly string[],
): Promise<string> {
  const program = new Command("yardstick").exitOverride();
  for (const r of register) r(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync([...args], { from: "user" });
  } finally {
    process.stdout.write = write;
  }
  return out;
}
