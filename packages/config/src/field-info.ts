import { z } from "zod";

/**
 * What a configuration value should look like, for error messages: `expects` completes
 * "expected ...", `example` is a right value written as it would appear in the file.
 */
export interface FieldInfo {
  expects: string;
  example?: string;
}

/** Registry of field descriptions, read by the error formatter (see issues.ts). */
export const fieldInfo = z.registry<FieldInfo>();

/** Attaches a description and an example to a schema (returns the same schema). */
export function describe<T extends z.ZodType>(schema: T, info: FieldInfo): T {
  fieldInfo.add(schema, info);
  return schema;
}
