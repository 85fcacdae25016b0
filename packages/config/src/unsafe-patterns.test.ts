import { InputError } from "@yardstick/core";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "./load.js";
import { regexSafetyError } from "./patterns.js";

function load(yaml: string) {
  return parseConfigText(`version: 1\n${yaml}`, { format: "yaml", source: "test.yaml", env: {} });
}

function problems(yaml: string): string {
  try {
    load(yaml);
    return "";
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}

describe("unsafe regular expressions are refused when the configuration is loaded", () => {
  it.each([
    [
      "deployment environment",
      "deployment:\n  method: deployments\n  environment: '^(a+)+$'",
      "deployment.environment",
    ],
    ["tag pattern", "deployment:\n  method: tags\n  pattern: '^(\\w+\\s?)+$'", "deployment.pattern"],
    [
      "attribution rule",
      "attribution:\n  rules:\n    - id: acme.agent\n      tool: other-ai\n      field: pr.title\n      pattern: '(a|aa)*b'",
      "attribution.rules[0].pattern",
    ],
  ])("%s", (_name, yaml, path) => {
    const message = problems(yaml);
    expect(message).toContain(path);
    expect(message).toContain("unsafe regular expression");
  });

  it("keeps ordinary patterns", () => {
    expect(problems("deployment:\n  method: deployments\n  environment: '^prod(uction)?\\b'")).toBe("");
    expect(problems("deployment:\n  method: tags\n  pattern: '^v\\d+\\.\\d+\\.\\d+$'")).toBe("");
    expect(regexSafetyError("Co-authored-by: .*claude", "imu")).toBeUndefined();
  });

  // OWASP's "Regular expression Denial of Service - ReDoS" examples of evil regexes (outside ground truth).
  it.each([
    "^(a+)+$",
    "^([a-zA-Z]+)*$",
    "^(a|aa)+$",
    "^(a|a?)+$",
    "^(.*a){12}$",
    "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
  ])("refuses OWASP's evil regex %s", (source) => {
    expect(regexSafetyError(source, "u")).toBeDefined();
  });
});
