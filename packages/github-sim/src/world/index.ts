export { IntList, PackedStore } from "./packed-store.js";
export { type DiffShape, diffShape, hasPatch, PATCH_MAX_LINES, renderPatch } from "./patch.js";
export {
  REPLAY_FORMAT,
  type ReplayCommit,
  type ReplayHeader,
  type ReplayIdentity,
  type ReplayNotes,
  type ReplayRecord,
  type ReplayTag,
  readReplayHistory,
  replayWorld,
} from "./replay.js";
export * from "./schema.js";
export { type LoadOptions, loadWorld, parseWorldLine, readWorldRecords, worldToJsonl, writeWorld } from "./stream.js";
export { tinySha, tinyWorld, tinyWorldRecords } from "./tiny.js";
export { type CoAuthorRef, World } from "./world.js";
