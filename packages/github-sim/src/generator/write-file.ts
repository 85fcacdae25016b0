import { writeWorld } from "../world/stream.js";
import { type GenerateOptions, generateWorld } from "./generate.js";

/** Generates a world straight to a JSON Lines file, repository by repository. Returns the record count. */
export function generateWorldFile(options: GenerateOptions, path: string): Promise<number> {
  return writeWorld(generateWorld(options), path);
}
