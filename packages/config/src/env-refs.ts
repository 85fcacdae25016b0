/**
 * `${NAME}` references in configuration strings, substituted from an environment object so that
 * secrets (Slack webhooks, SMTP passwords) stay out of the file. `$${` writes a literal `${`.
 */

export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface Substitution {
  path: (string | number)[];
  variable: string;
}

export interface SubstitutionResult {
  value: unknown;
  /** Every reference that was replaced, by path. */
  substituted: Substitution[];
  /** References to variables that are not set (or empty). */
  missing: Substitution[];
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function substituteEnv(value: unknown, env: EnvSource): SubstitutionResult {
  const substituted: Substitution[] = [];
  const missing: Substitution[] = [];

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === "string") {
      return node.replace(REFERENCE, (whole, dollar: string, name: string) => {
        if (dollar === "$") return whole.slice(1);
        if (!VARIABLE_NAME.test(name)) {
          missing.push({ path, variable: name });
          return whole;
        }
        const replacement = env[name];
        if (replacement === undefined || replacement === "") {
          missing.push({ path, variable: name });
          return whole;
        }
        substituted.push({ path, variable: name });
        return replacement;
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return node;
  };

  return { value: visit(value, []), substituted, missing };
}
