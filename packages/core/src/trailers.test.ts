import { describe, expect, it } from "vitest";
import { coAuthorsFromMessage, noreplyLogin, noreplyUserId } from "./trailers.js";

describe("coAuthorsFromMessage", () => {
  it("finds trailers at the end of a message", () => {
    const message =
      "Fix cache key\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nCo-authored-by: Ana Ruiz <ana@acme.dev>";
    expect(coAuthorsFromMessage(message)).toEqual([
      { name: "Claude", email: "noreply@anthropic.com", login: null },
      { name: "Ana Ruiz", email: "ana@acme.dev", login: null },
    ]);
  });

  it("finds trailers pushed into a squash merge's bullet list, de-duplicated by email", () => {
    const message = [
      "Add retries (#42)",
      "",
      "* Add retries",
      "",
      "Co-authored-by: Ana Ruiz <ana@acme.dev>",
      "* Tests",
      "",
      "---------",
      "",
      "Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
      "Co-authored-by: ANA RUIZ <ANA@acme.dev>",
    ].join("\n");
    expect(coAuthorsFromMessage(message)).toEqual([
      { name: "Ana Ruiz", email: "ana@acme.dev", login: null },
      { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" },
    ]);
  });

  it("ignores mentions that are not at a line start", () => {
    expect(coAuthorsFromMessage("Docs: explain the Co-authored-by: X <x@y.z> trailer")).toEqual([]);
  });
});

describe("noreply emails", () => {
  it.each([
    ["583231+octocat@users.noreply.github.com", "octocat", 583231],
    ["octocat@users.noreply.github.com", "octocat", null],
    ["octocat@github.com", null, null],
  ])("%s", (email, login, id) => {
    expect(noreplyLogin(email)).toBe(login);
    expect(noreplyUserId(email)).toBe(id);
  });
});
