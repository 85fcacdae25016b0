import { useQuery } from "@tanstack/react-query";
import { formatCount } from "@yardstick/report/format";
import { Link, useSearchParams } from "react-router";
import { type Adoption, type AdoptionGroup, API, type GroupsResponse, getJson, groupWeekPath } from "../api.js";
import { DASHES, definition, Empty, Failure, Loading, PALETTE, ParamSelect, percent } from "../ui.js";
import { WeekChart } from "../WeekChart.js";
import { addWeeks, dayOf, isWeek, lastCompleteWeek, laterWeek } from "../weeks.js";
import { projectionText } from "./Overview.js";

const KINDS = ["team", "repo"] as const;

/** Crossed the target this week, fell below it, or neither (the report's definition). */
function crossing(g: AdoptionGroup): string {
  const [prev, cur] = g.series.slice(-2);
  if (prev === undefined || cur === undefined || g.target === null) return "—";
  if (prev.adoption === null || cur.adoption === null) return "—";
  if (prev.adoption < g.target && cur.adoption >= g.target) return "crossed";
  if (prev.adoption >= g.target && cur.adoption < g.target) return "fell below";
  return "—";
}

/** Every team (or repository) against its target: one shared axis, alphabetical, never ranked. */
export function AdoptionPage() {
  const [params] = useSearchParams();
  const kind = params.get("group") === "repo" ? "repo" : "team";
  // Twelve weeks ending with the last complete one (or ?week=): the current week is still filling.
  const groupsQuery = useQuery({ queryKey: ["groups"], queryFn: () => getJson<GroupsResponse>(`${API}/groups`) });
  const fresh = groupsQuery.data?.freshness;
  const asked = params.get("week");
  const week = isWeek(asked) ? asked : fresh === undefined ? null : lastCompleteWeek(fresh);
  const range =
    fresh === undefined || week === null
      ? null
      : `from=${dayOf(laterWeek(fresh.from, addWeeks(week, -11)))}&to=${dayOf(week)}`;
  const adoption = useQuery({
    queryKey: ["adoption", kind, range],
    queryFn: () => getJson<Adoption>(`${API}/adoption?group=${kind}&${range}`),
    enabled: range !== null,
  });
  if (groupsQuery.isError) return <Failure error={groupsQuery.error} what="the groups" />;
  if (adoption.isPending) return <Loading what="adoption" />;
  if (adoption.isError) return <Failure error={adoption.error} what="adoption" />;
  // Alphabetical, whatever order arrives: this page never ranks groups.
  const groups = [...adoption.data.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const shown = groups.filter((g) => g.series.some((s) => !s.suppressed));
  const data = adoption.data.weeks.map((week) => {
    const row: Record<string, string | number | null> = { week };
    for (const g of shown) {
      const s = g.series.find((x) => x.week === week);
      row[g.name] = s?.adoption === null || s?.adoption === undefined ? null : Math.round(s.adoption * 1000) / 10;
    }
    return row;
  });
  const targets = [...new Set(groups.map((g) => g.target).filter((t): t is number => t !== null))];
  const last = adoption.data.weeks.at(-1) ?? "";
  return (
    <section>
      <div className="page-head">
        <h1>Adoption against the target</h1>
        <ParamSelect
          param="group"
          label="Groups"
          value={kind}
          options={KINDS.map((k) => ({ value: k, label: k === "team" ? "teams" : "repositories" }))}
        />
      </div>
      <p className="note">
        {definition("adoption")} Groups are listed alphabetically, never ranked; suppressed groups (fewer people than
        the minimum group size) show no figures.
      </p>
      {groups.length === 0 ? (
        <Empty>No {kind === "team" ? "teams" : "repositories"} have figures yet: configure teams and run a sync.</Empty>
      ) : (
        <>
          <figure>
            <figcaption>Weekly adoption (%), every {kind} on one axis</figcaption>
            <WeekChart
              rows={data}
              axis="percent"
              height={320}
              lines={shown.map((g, i) => ({
                dataKey: g.name,
                stroke: PALETTE[i % PALETTE.length],
                dash: DASHES[Math.floor(i / PALETTE.length + i) % DASHES.length],
                dots: false,
              }))}
              targets={targets}
            />
          </figure>
          <table data-testid="adoption-table">
            <thead>
              <tr>
                <th scope="col">{kind}</th>
                <th scope="col" title={definition("adoption")}>
                  weekly ({last})
                </th>
                <th scope="col" title={definition("adoption4w")}>
                  4-week
                </th>
                <th scope="col" title={definition("adoptionTarget")}>
                  target
                </th>
                <th scope="col" title={definition("peopleToTarget")}>
                  people still needed
                </th>
                <th scope="col" title={definition("trend")}>
                  trend
                </th>
                <th scope="col" title={definition("crossing")}>
                  crossed / fell below
                </th>
                <th scope="col">projection</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.name}>
                  <th scope="row">
                    {g.current.suppressed ? (
                      g.name
                    ) : (
                      <Link to={groupWeekPath(g.kind, g.name, g.current.week)}>{g.name}</Link>
                    )}
                  </th>
                  {g.current.suppressed ? (
                    <td colSpan={7} className="suppressed">
                      suppressed: fewer people than the minimum group size
                    </td>
                  ) : (
                    <>
                      <td>{percent(g.current.adoption)}</td>
                      <td>{percent(g.current.adoption4w)}</td>
                      <td>{percent(g.target)}</td>
                      <td>{formatCount(g.current.peopleToTarget)}</td>
                      <td>{g.trend ?? "—"}</td>
                      <td>{crossing(g)}</td>
                      <td>{projectionText(g.projection, g.target)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
