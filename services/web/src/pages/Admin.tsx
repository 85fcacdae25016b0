import { useQuery } from "@tanstack/react-query";
import { formatCount } from "@yardstick/report/format";
import { useOutletContext, useSearchParams } from "react-router";
import {
  API,
  type GroupsResponse,
  getJson,
  type Me,
  type Metrics,
  type People,
  type PersonName,
  sendJson,
} from "../api.js";
import { flaggedIds, flaggedList } from "../flagged-people.js";
import { definition, Empty, Failure, Loading } from "../ui.js";
import { dayOf, isWeek, lastCompleteWeek } from "../weeks.js";
import { TokensSection } from "./Tokens.js";

type TeamFigures = Metrics["groups"];

/** One named list: the people by login, alphabetical (never ranked); the id and name on hover. */
function FlaggedPeople({ ids, people }: { ids: readonly string[]; people: ReadonlyMap<string, PersonName> }) {
  const shown = flaggedList(ids, people);
  return (
    <div className="note" data-testid="flagged-people">
      {shown.map((p, i) => (
        <span key={p.id}>
          {i === 0 ? null : ", "}
          <span title={p.title} data-person={p.id}>
            {p.label}
          </span>
        </span>
      ))}
    </div>
  );
}

/** Each team's integrity-flag counts for the week, with the named lists the API gives admins. */
function FlagsTable({
  week,
  error,
  teams: unsorted,
  people,
}: {
  week: string | null;
  error: unknown;
  teams: TeamFigures | null;
  /** The roster's names of the flagged people (null: not read yet). */
  people: ReadonlyMap<string, PersonName> | null;
}) {
  if (error !== null && error !== undefined) return <Failure error={error} what="the integrity flags" />;
  if (unsorted === null || week === null || people === null) return <Loading what="the integrity flags" />;
  const teams = [...unsorted].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (
    <>
      <h2>Integrity flags, week {week}</h2>
      <p className="note">{definition("flags")}</p>
      <table data-testid="flags-table">
        <thead>
          <tr>
            <th scope="col">team</th>
            {FLAGS.map(([key, label]) => (
              <th key={key} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {teams.map((t) => {
            const f = t.weeks[0];
            if (f === undefined || f.suppressed) {
              return (
                <tr key={t.name}>
                  <th scope="row">{t.name}</th>
                  <td colSpan={FLAGS.length} className="suppressed">
                    suppressed: fewer people than the minimum group size
                  </td>
                </tr>
              );
            }
            return (
              <tr key={t.name}>
                <th scope="row">{t.name}</th>
                {FLAGS.map(([key]) => (
                  <td key={key}>
                    {formatCount(f.flags[key])}
                    {f.flags.named === null || f.flags.named[key].length === 0 ? null : (
                      <FlaggedPeople ids={f.flags.named[key]} people={people} />
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

const FLAGS = [
  ["volumeSpike", "volume spike"],
  ["trivialShare", "trivial share"],
  ["selfMergedAi", "self-merged AI-assisted"],
  ["highRevertShare", "high revert share"],
  ["tokenHeavyNothingShipped", "token-heavy, nothing shipped"],
] as const;

/**
 * Administrators only: the integrity flags' named lists, per team. The figures name person ids;
 * the admin-only `/admin/people` resolves them, all in one request, to the roster's logins (an id
 * no longer in the roster shows as itself, "(not in roster)"). Never a ranking: each list is
 * alphabetical by what it shows. Other roles get no request and a note.
 */
export function AdminPage() {
  const me = useOutletContext<Me>();
  const [params] = useSearchParams();
  const isAdmin = me.role === "admin";
  const groups = useQuery({
    queryKey: ["groups"],
    queryFn: () => getJson<GroupsResponse>(`${API}/groups`),
    enabled: isAdmin,
  });
  const fresh = groups.data?.freshness;
  const asked = params.get("week");
  const week = isWeek(asked) ? asked : fresh === undefined ? null : lastCompleteWeek(fresh);
  const metrics = useQuery({
    queryKey: ["metrics", "team", week, "admin"],
    queryFn: () =>
      getJson<Metrics>(`${API}/metrics?from=${dayOf(week as string)}&to=${dayOf(week as string)}&group=team`),
    enabled: isAdmin && week !== null,
  });
  const ids = metrics.data === undefined ? null : flaggedIds(metrics.data.groups);
  const people = useQuery({
    queryKey: ["admin-people", ids],
    queryFn: async () => {
      const answer = await sendJson<People>("POST", `${API}/admin/people`, { ids });
      return new Map((answer?.items ?? []).map((p) => [p.id, p]));
    },
    enabled: isAdmin && ids !== null && ids.length > 0,
  });
  if (!isAdmin) {
    return (
      <section>
        <h1>Administration</h1>
        <Empty>Administrators only. Ask an administrator (the configuration's `admins`) for what you need.</Empty>
      </section>
    );
  }
  return (
    <section>
      <h1>Administration</h1>
      <FlagsTable
        week={week}
        error={groups.error ?? metrics.error ?? people.error}
        teams={metrics.data === undefined ? null : metrics.data.groups}
        people={ids !== null && ids.length === 0 ? new Map() : (people.data ?? null)}
      />
      <TokensSection />
    </section>
  );
}
