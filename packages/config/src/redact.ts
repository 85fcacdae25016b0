import { formatPath } from "./issues.js";
import type { LoadedConfig } from "./load.js";

export const REDACTED = "[redacted]";

/** Paths (formatted) that always hold secrets, whatever their source. */
function isSecretPath(path: string): boolean {
  return /^digest\.channels\[\d+\]\.(?:webhookUrl|smtp\.password)$/.test(path);
}

/** A JSON-ready copy of the configuration with secrets (and every `${VAR}` value) replaced by "[redacted]". */
export function redactConfig(loaded: Pick<LoadedConfig, "config" | "substituted">): unknown {
  const fromEnv = new Set(loaded.substituted.map((s) => formatPath(s.path)));
  const visit = (node: unknown, path: (string | number)[]): unknown => {
    const key = formatPath(path);
    if (typeof node === "string" && (fromEnv.has(key) || isSecretPath(key))) return REDACTED;
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, [...path, k])]));
    }
    return node;
  };
  return visit(loaded.config, []);
}
