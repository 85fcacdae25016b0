import { describe, expect, it } from "vitest";
import {
  type BudgetObservation,
  type CredentialCandidate,
  chooseCredential,
  dryUntil,
  estimatedRemaining,
  mayRead,
} from "./credential-choice.js";

const NOW = 1_000_000;
const HOUR = 3_600_000;
const seen = (remaining: number, resetInMs = HOUR): BudgetObservation => ({ remaining, resetAtMs: NOW + resetInMs });
const cred = (id: string, observations: BudgetObservation[], orgs: string[] | null = null): CredentialCandidate => ({
  id,
  orgs,
  observations,
});

describe("estimatedRemaining", () => {
  it.each([
    ["never seen: unknown, assumed available", [], Number.POSITIVE_INFINITY],
    ["one response", [seen(4200)], 4200],
    ["the lowest of one window's sightings (budgets only go down)", [seen(4200), seen(3900), seen(4100)], 3900],
    ["a reset window says nothing any more", [seen(0, -1)], Number.POSITIVE_INFINITY],
    ["a reset window next to a current one", [seen(0, -1), seen(4999)], 4999],
    ["exactly at the reset: reset", [seen(0, 0)], Number.POSITIVE_INFINITY],
  ])("%s", (_name, observations, want) => {
    expect(estimatedRemaining(observations, NOW)).toBe(want);
  });
});

describe("dryUntil", () => {
  it.each([
    ["unknown: not dry", [], 0, null],
    ["budget left: not dry", [seen(10)], 0, null],
    ["none left: dry until its reset", [seen(0, 5_000)], 0, NOW + 5_000],
    ["a limit hit and a later sighting: until the later of the two", [seen(0, 5_000), seen(0, 9_000)], 0, NOW + 9_000],
    ["dry in a window that has reset: not dry", [seen(0, -5)], 0, null],
    ["within the reserve counts as dry", [seen(3, 7_000)], 5, NOW + 7_000],
  ])("%s", (_name, observations, reserve, want) => {
    expect(dryUntil(observations, NOW, reserve)).toBe(want);
  });
});

describe("mayRead", () => {
  it.each([
    [null, "acme", true],
    [["acme"], "acme", true],
    [["Acme"], "ACME", true],
    [["acme"], "globex", false],
    [["acme"], null, true],
  ] as const)("orgs %j reading %s: %s", (orgs, account, want) => {
    expect(mayRead({ orgs }, account)).toBe(want);
  });
});

describe("chooseCredential", () => {
  const at = (account: string | null = null) => ({ account, nowMs: NOW });

  it.each<[string, CredentialCandidate[], ReturnType<typeof chooseCredential>]>([
    ["none configured", [], { kind: "none" }],
    ["one, unknown budget", [cred("a", [])], { kind: "use", id: "a", remaining: Number.POSITIVE_INFINITY }],
    [
      "the most budget left",
      [cred("a", [seen(100)]), cred("b", [seen(4000)]), cred("c", [seen(2000)])],
      { kind: "use", id: "b", remaining: 4000 },
    ],
    [
      "an unknown budget before a known one (so every credential gets tried)",
      [cred("a", [seen(4999)]), cred("b", [])],
      { kind: "use", id: "b", remaining: Number.POSITIVE_INFINITY },
    ],
    ["ties go to the earlier", [cred("a", [seen(50)]), cred("b", [seen(50)])], { kind: "use", id: "a", remaining: 50 }],
    [
      "a dry one is passed over for one with a little left",
      [cred("a", [seen(0, 60_000)]), cred("b", [seen(1)])],
      { kind: "use", id: "b", remaining: 1 },
    ],
    [
      "a dry one whose window has reset is back",
      [cred("a", [seen(0, -1)]), cred("b", [seen(10)])],
      { kind: "use", id: "a", remaining: Number.POSITIVE_INFINITY },
    ],
    [
      "all dry: wait for the earliest reset",
      [cred("a", [seen(0, 30 * 60_000)]), cred("b", [seen(0, 5 * 60_000)]), cred("c", [seen(0, 50 * 60_000)])],
      { kind: "wait", untilMs: NOW + 5 * 60_000, id: "b" },
    ],
    [
      "a limit hit (remaining 0) outweighs an older, higher sighting of the same window",
      [cred("a", [seen(4000), seen(0, 60_000)]), cred("b", [seen(0, 120_000)])],
      { kind: "wait", untilMs: NOW + 60_000, id: "a" },
    ],
  ])("%s", (_name, candidates, want) => {
    expect(chooseCredential(candidates, at())).toEqual(want);
  });

  it("chooses only among the credentials that may read the organisation", () => {
    const pool = [cred("acme-app", [seen(10)], ["acme"]), cred("globex-app", [seen(4000)], ["globex"])];
    expect(chooseCredential(pool, at("acme"))).toEqual({ kind: "use", id: "acme-app", remaining: 10 });
    expect(chooseCredential(pool, at("globex"))).toEqual({ kind: "use", id: "globex-app", remaining: 4000 });
    expect(chooseCredential(pool, at("initech"))).toEqual({ kind: "none" });
    // A request about no organisation (the rate limit, the viewer) may use any.
    expect(chooseCredential(pool, at(null))).toEqual({ kind: "use", id: "globex-app", remaining: 4000 });
  });

  it("waits for the organisation's own credentials, not for another organisation's", () => {
    const pool = [
      cred("acme-app", [seen(0, 40 * 60_000)], ["acme"]),
      cred("any-token", [seen(0, 10 * 60_000)]),
      cred("globex-app", [seen(5000)], ["globex"]),
    ];
    expect(chooseCredential(pool, at("acme"))).toEqual({ kind: "wait", untilMs: NOW + 10 * 60_000, id: "any-token" });
  });

  it("keeps a reserve when asked: at most `reserve` left counts as dry", () => {
    const pool = [cred("a", [seen(3)]), cred("b", [seen(5)])];
    expect(chooseCredential(pool, { account: null, nowMs: NOW, reserve: 4 })).toEqual({
      kind: "use",
      id: "b",
      remaining: 5,
    });
    expect(chooseCredential(pool, { account: null, nowMs: NOW, reserve: 5 })).toEqual({
      kind: "wait",
      untilMs: NOW + HOUR,
      id: "a",
    });
  });
});
