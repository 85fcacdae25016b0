import { InputError } from "@yardstick/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "./load.js";

/**
 * Every validator that can quote a configuration value, each given a SECRET reference whose
 * value it refuses. The error must name the reference and never carry the value (docs promise
 * `${VAR}` values are never printed).
 */
const SECRET = "s3cr3t-Value(with[odd*chars";
const CASES: [string, string][] = [
  [
    "a glob (organisation repositories)",
    "github:\n  organizations:\n    - name: acme\n      repositories: { include: ['@REF@'] }",
  ],
  ["a repository glob (repositories[].match)", "repositories:\n  - match: '@REF@'\n    directPushes: true"],
  ["a regular expression (deployment environment)", "deployment:\n  method: deployments\n  environment: '@REF@'"],
  ["a regular expression (tag pattern)", "deployment:\n  method: tags\n  pattern: '@REF@'"],
  ["a URL (github.apiUrl)", "github:\n  apiUrl: '@REF@'"],
  ["a URL (Slack webhook)", "digest:\n  channels:\n    - type: slack\n      webhookUrl: '@REF@'"],
  ["a cron expression (digest.schedule)", "digest:\n  schedule: '@REF@'"],
  ["a time zone", "timeZone: '@REF@'"],
  ["an enum (roster.source)", "roster:\n  source: '@REF@'"],
  ["a discriminator (deployment.method)", "deployment:\n  method: '@REF@'"],
  ["a number (thresholds.backfillDays)", "thresholds:\n  backfillDays: '@REF@'"],
  ["an organisation login", "github:\n  organizations:\n    - name: '@REF@'"],
  ["a repository name (github.repositories)", "github:\n  repositories: ['@REF@']"],
  [
    "an email (digest from)",
    "digest:\n  channels:\n    - type: email\n      to: ['@REF@']\n      from: '@REF@'\n      smtp: { host: mail, port: 25 }",
  ],
];

function errorOf(yaml: string, secret: string): InputError {
  try {
    parseConfigText(`version: 1\n${yaml.replaceAll("@REF@", REF)}`, {
      format: "yaml",
      source: "test.yaml",
      env: { SECRET: secret },
    });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted: ${yaml}`);
}

/** The reference as written in a configuration file. */
const REF = ["$", "{SECRET}"].join("");

describe("configuration errors never print the value of a variable reference", () => {
  it.each(CASES)("%s", (_name, yaml) => {
    const error = errorOf(yaml, SECRET);
    const shown = `${error.message}\n${JSON.stringify(error.issues)}`;
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain("s3cr3t");
    // Where the message quotes the value, it quotes the reference instead.
    if (/got|given|:\s*'/.test(error.message) && !/got \d/.test(error.message)) expect(shown).toContain(REF);
  });

  it("whatever the secret's characters (generated)", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("a", "Z", "9", "(", "[", "*", "\\", '"', "'", ":", "/", "%", " ", "é"),
          minLength: 6,
          maxLength: 30,
        }),
        fc.constantFrom(...CASES.map(([, yaml]) => yaml)),
        (body, yaml) => {
          const secret = `Q${body}Q`;
          let error: InputError;
          try {
            error = errorOf(yaml, secret);
          } catch {
            return; // this secret happens to be a valid value here
          }
          expect(`${error.message}\n${JSON.stringify(error.issues)}`).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});
