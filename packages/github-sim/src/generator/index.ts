export { AI_FORMS, BOT_ACCOUNTS, FORMS_BY_TOOL, HARD_NEGATIVES, TOOL_POPULARITY } from "./forms.js";
export {
  deployMethodOf,
  type GamerStrategy,
  GENERATOR_NAME,
  type GenerateOptions,
  generateWorld,
  iso,
  isTrivial,
  squashMessage,
} from "./generate.js";
export { PRESETS, type PresetName, presetOptions } from "./presets.js";
export { Prng } from "./prng.js";
export { generateWorldFile } from "./write-file.js";
