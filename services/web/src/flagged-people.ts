import type { Metrics, PersonName } from "./api.js";

/** Every person id in the teams' named lists (each team's first week), each once, sorted. */
export function flaggedIds(teams: Metrics["groups"]): string[] {
  const ids = new Set<string>();
  for (const t of teams) {
    const named = t.weeks[0]?.flags.named;
    if (named === null || named === undefined) continue;
    for (const list of Object.values(named)) for (const id of list) ids.add(id);
  }
  return [...ids].sort();
}

export interface FlaggedPerson {
  id: string;
  /** The roster's login; else its display name; else the id, "(not in roster)" when it is gone. */
  label: string;
  /** On hover: the id, after the display name when the roster has one. */
  title: string;
}

/**
 * One named list as the admin page shows it: each person by the roster's login, alphabetical by
 * what is shown (never ranked). An id the roster no longer has stays, as itself.
 */
export function flaggedList(ids: readonly string[], people: ReadonlyMap<string, PersonName>): FlaggedPerson[] {
  return ids
    .map((id) => {
      const person = people.get(id);
      const name = person?.displayName ?? null;
      const label = person === undefined || !person.inRoster ? `${id} (not in roster)` : (person.login ?? name ?? id);
      return { id, label, title: name === null ? id : `${name} (${id})` };
    })
    .sort((a, b) => a.label.localeCompare(b.label, "en") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
