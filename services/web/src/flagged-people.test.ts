import { describe, expect, it } from "vitest";
import type { PersonName } from "./api.js";
import { flaggedList } from "./flagged-people.js";

const person = (id: string, login: string | null, displayName: string | null): [string, PersonName] => [
  id,
  { id, inRoster: true, login, displayName },
];

describe("the admin page's named lists", () => {
  const people = new Map<string, PersonName>([
    person("github:3", "zoe", "Zoë Adams"),
    person("github:1", "Bob-K", null),
    person("github:2", "alice", null),
    person("github:4", null, "Nameless Login"),
    ["github:9", { id: "github:9", inRoster: false, login: null, displayName: null }],
  ]);

  it.each([
    {
      what: "logins, alphabetical whatever the ids' order, the id (and name) on hover",
      ids: ["github:3", "github:1", "github:2"],
      shown: [
        { id: "github:2", label: "alice", title: "github:2" },
        { id: "github:1", label: "Bob-K", title: "github:1" },
        { id: "github:3", label: "zoe", title: "Zoë Adams (github:3)" },
      ],
    },
    {
      what: "an id no longer in the roster (or not answered) as itself, never dropped",
      ids: ["github:9", "github:2", "github:8"],
      shown: [
        { id: "github:2", label: "alice", title: "github:2" },
        { id: "github:8", label: "github:8 (not in roster)", title: "github:8" },
        { id: "github:9", label: "github:9 (not in roster)", title: "github:9" },
      ],
    },
    {
      what: "a person without a login by their name",
      ids: ["github:4"],
      shown: [{ id: "github:4", label: "Nameless Login", title: "Nameless Login (github:4)" }],
    },
  ])("shows $what", ({ ids, shown }) => {
    expect(flaggedList(ids, people)).toEqual(shown);
  });
});
