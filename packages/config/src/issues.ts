import type { InputIssue } from "@yardstick/core";
import { z } from "zod";
import { fieldInfo } from "./field-info.js";
import { suggest } from "./suggest.js";

/**
 * Turns zod issues into `InputIssue`s a person can act on: the dotted key path, what was wrong
 * (with the value that was given) and an example of a right value. The schema is walked along
 * each issue's path to find the field's description (field-info.ts) and, for unknown keys, the
 * keys that were allowed (for a "did you mean").
 */

type Schema = z.core.$ZodType;
type PathSegment = PropertyKey;

/** The parts of zod's internal definitions this walker reads (zod 4 `_zod.def`). */
interface LooseDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, unknown>;
}

function defOf(schema: Schema): LooseDef {
  // zod's definitions are a union of many shapes; this reads a few optional fields of it.
  return schema._zod.def as unknown as LooseDef;
}

/** The schema and its wrappers (default, optional, pipe, ...), outermost first. */
function layers(schema: Schema): Schema[] {
  const result: Schema[] = [];
  let current: Schema | undefined = schema;
  while (current !== undefined) {
    result.push(current);
    const def: LooseDef = defOf(current);
    if (["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === "pipe") {
      // z.preprocess is pipe(transform, schema); `.transform()` is pipe(schema, transform).
      current = def.in !== undefined && defOf(def.in).type === "transform" ? def.out : def.in;
    } else {
      current = undefined;
    }
  }
  return result;
}

function core(schema: Schema): Schema {
  const all = layers(schema);
  return all[all.length - 1] ?? schema;
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** For a (discriminated) union, the object option that fits `input`. */
function pickOption(def: LooseDef, input: unknown, segment?: PathSegment): Schema | undefined {
  const options = def.options ?? [];
  if (def.discriminator !== undefined && isRecordLike(input)) {
    const wanted = input[def.discriminator];
    for (const option of options) {
      const literal = defOf(core(option)).shape?.[def.discriminator];
      const values = literal === undefined ? [] : (defOf(core(literal)).values ?? []);
      if (values.includes(wanted)) return option;
    }
    return undefined;
  }
  return options.find((option) => segment === undefined || defOf(core(option)).shape?.[String(segment)] !== undefined);
}

interface Located {
  schema: Schema | undefined;
  input: unknown;
}

/** Walks `root` and `input` along `path`. */
function locate(root: Schema, input: unknown, path: readonly PathSegment[]): Located {
  let schema: Schema | undefined = root;
  let value: unknown = input;
  for (const segment of path) {
    if (schema === undefined) return { schema: undefined, input: undefined };
    let def = defOf(core(schema));
    if (def.type === "union") {
      const option = pickOption(def, value, segment);
      def = option === undefined ? def : defOf(core(option));
    }
    if (def.type === "object") schema = def.shape?.[String(segment)];
    else if (def.type === "array") schema = def.element;
    else if (def.type === "record") schema = def.valueType;
    else schema = undefined;
    value = isRecordLike(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return { schema, input: value };
}

/** A description the pure packages attach as zod metadata (`expects`, `example`; e.g. the metrics thresholds). */
function settingInfo(schema: z.ZodType): { expects: string; example?: string } | undefined {
  const meta = z.globalRegistry.get(schema);
  if (typeof meta?.expects !== "string") return undefined;
  return typeof meta.example === "string"
    ? { expects: meta.expects, example: meta.example }
    : { expects: meta.expects };
}

function infoOf(schema: Schema | undefined): { expects?: string; example?: string } {
  if (schema === undefined) return {};
  for (const layer of layers(schema)) {
    const info = fieldInfo.get(layer as z.ZodType) ?? settingInfo(layer as z.ZodType);
    if (info !== undefined) return info;
  }
  const def = defOf(core(schema));
  switch (def.type) {
    case "string":
      return { expects: "a string" };
    case "number":
      return { expects: "a number" };
    case "boolean":
      return { expects: "true or false", example: "true" };
    case "array":
      return { expects: "a list" };
    case "object":
      return { expects: "a mapping of keys to values" };
    case "record":
      return { expects: "a mapping" };
    case "enum": {
      const values = Object.values(def.entries ?? {});
      return { expects: `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`, example: String(values[0]) };
    }
    case "literal": {
      const values = def.values ?? [];
      return { expects: values.map((v) => JSON.stringify(v)).join(" or "), example: String(values[0]) };
    }
    default:
      return {};
  }
}

/** The keys an object schema at `path` allows. */
function allowedKeys(root: Schema, input: unknown, path: readonly PathSegment[]): string[] {
  const { schema, input: value } = locate(root, input, path);
  if (schema === undefined) return [];
  let def = defOf(core(schema));
  if (def.type === "union") {
    const option = pickOption(def, value);
    if (option === undefined) return [];
    def = defOf(core(option));
  }
  return Object.keys(def.shape ?? {});
}

/** `github.organizations[0].name`, `adoption.perGroup["team:payments"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(segment)))
      text += text === "" ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** A value as an error message shows it. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string") {
    const text = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return JSON.stringify(text);
  }
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function exampleFor(path: readonly PathSegment[], example: string | undefined): string | undefined {
  if (example === undefined) return undefined;
  const key = [...path].reverse().find((segment) => typeof segment === "string");
  if (typeof key !== "string" || typeof path[path.length - 1] !== "string") return example;
  return `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key)}: ${example}`;
}

export interface IssueContext {
  /** Line numbers of keys in the source file, when known. */
  lineOf?: (path: readonly PathSegment[]) => number | undefined;
  /** Values that came from `${VAR}` references: shown as the variable's name, never as the secret. */
  secretAt?: (path: readonly PathSegment[]) => string | undefined;
}

/** Converts a failed parse of `input` against `root` into issues. */
export function toInputIssues(
  root: Schema,
  input: unknown,
  error: z.core.$ZodError,
  context: IssueContext = {},
): InputIssue[] {
  const issues: InputIssue[] = [];
  const withLine = (path: readonly PathSegment[], message: string) => {
    const line = context.lineOf?.(path);
    return line === undefined ? message : `${message} (line ${line})`;
  };
  const show = (path: readonly PathSegment[], value: unknown) => {
    const variable = context.secretAt?.(path);
    return variable === undefined ? showValue(value) : `the value of \${${variable}}`;
  };

  for (const issue of error.issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(root, input, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const close = suggest(key, allowed);
        const hint =
          close !== undefined
            ? `; did you mean "${close}"?`
            : allowed.length > 0
              ? `; allowed here: ${allowed.join(", ")}`
              : "";
        issues.push({ path: formatPath(keyPath), message: withLine(keyPath, `unknown key "${key}"${hint}`) });
      }
      continue;
    }
    if (issue.code === "invalid_union" && "discriminator" in issue && typeof issue.discriminator === "string") {
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
      const given = isRecordLike(issue.input) ? issue.input[issue.discriminator] : undefined;
      const discriminatorPath = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
      const close = typeof given === "string" ? suggest(given, options) : undefined;
      const choices = options.map((o) => JSON.stringify(o)).join(", ");
      const message =
        given === undefined
          ? `is required: one of ${choices}`
          : `expected one of ${choices}, got ${showValue(given)}${close === undefined ? "" : `; did you mean "${close}"?`}`;
      issues.push({
        path: formatPath(discriminatorPath),
        message: withLine(discriminatorPath, message),
        example: `${issue.discriminator}: ${options[0] ?? ""}`,
      });
      continue;
    }
    if (issue.code === "invalid_key") {
      const inner = issue.issues[0]?.message ?? "not an allowed key";
      issues.push({
        path: formatPath(path),
        message: withLine(path, `${inner}, got ${showValue(path[path.length - 1])}`),
      });
      continue;
    }

    const { schema, input: value } = locate(root, input, path);
    const info = infoOf(schema);
    const example = exampleFor(path, info.example);
    // The value as written in the file (before preprocessing such as "80%" -> 0.8).
    const given = value !== undefined ? value : "input" in issue && issue.code !== "custom" ? issue.input : undefined;
    let message: string;
    if (issue.code === "custom") {
      message =
        given === undefined || /\bgot\b/.test(issue.message)
          ? issue.message
          : `${issue.message}, got ${show(path, given)}`;
    } else if (issue.code === "invalid_type" && given === undefined) {
      message = `is required: expected ${info.expects ?? issue.expected}`;
    } else if (issue.code === "too_small" && issue.origin === "array") {
      message = `expected at least ${String(issue.minimum)} item(s), got ${Array.isArray(given) ? given.length : showValue(given)}`;
    } else if (info.expects !== undefined) {
      message = `expected ${info.expects}, got ${show(path, given)}`;
    } else {
      message = `${issue.message}, got ${show(path, given)}`;
    }
    issues.push({
      path: formatPath(path),
      message: withLine(path, message),
      ...(example === undefined ? {} : { example }),
    });
  }
  return issues;
}
