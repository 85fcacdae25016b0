import { useQuery } from "@tanstack/react-query";
import { formatCount, formatHours } from "@yardstick/report/format";
import { Link, useSearchParams } from "react-router";
import { API, type GroupsResponse, getJson, groupWeekPath, type Metrics } from "../api.js";
import { failureRates } from "../guardrails.js";
import { definition, Empty, Failure, Loading, ParamSelect, percent } from "../ui.js";
import { addWeeks as addWeek, dayOf, isWeek, lastCompleteWeek } from "../weeks.js";

const KINDS = ["org", "team", "repo"] as const;

/** DORA guardrails per group for one week, AI-assisted vs other, with sample sizes and intervals. */
export function GuardrailsPage() {
  const [params] = useSearchParams();
  const kind = KINDS.find((k) => k === params.get("group")) ?? "team";
  const groups = useQuery({ queryKey: ["groups"], queryFn: () => getJson<GroupsResponse>(`${API}/groups`) });
  const fresh = groups.data?.freshness;
  const asked = params.get("week");
  const week = isWeek(asked) ? asked : fresh === undefined ? null : lastCompleteWeek(fresh);
  const metrics = useQuery({
    queryKey: ["metrics", kind, week],
    queryFn: () =>
      getJson<Metrics>(`${API}/metrics?from=${dayOf(week as string)}&to=${dayOf(week as string)}&group=${kind}`),
    enabled: week !== null,
  });
  if (groups.isError) return <Failure error={groups.error} what="the groups" />;
  if (metrics.isError) return <Failure error={metrics.error} what="the guardrails" />;
  if (groups.isPending || metrics.isPending || week === null) return <Loading what="the guardrails" />;
  const rows = [...metrics.data.groups]
    .filter((g) => g.kind === kind)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return (
    <section>
      <div className="page-head">
        <h1>Guardrails, week {week}</h1>
        <ParamSelect
          param="group"
          label="Groups"
          value={kind}
          options={[
            { value: "org", label: "organisation" },
            { value: "team", label: "teams" },
            { value: "repo", label: "repositories" },
          ]}
        />
        <ParamSelect
          param="week"
          label="Week"
          value={week}
          options={(fresh === undefined ? [] : weeksBetween(fresh.from, fresh.to)).map((w) => ({ value: w, label: w }))}
        />
      </div>
      <p className="note">
        Each figure for AI-assisted and for other changes. Change failure rate: failed ÷ deployments with its 95% Wilson
        interval, and whether the two differ beyond noise (two-sided two-proportion z-test at 5%). Groups alphabetical.
      </p>
      {rows.length === 0 ? (
        <Empty>
          No {kind} has figures for {week}.
        </Empty>
      ) : (
        <table data-testid="guardrails-table">
          <thead>
            <tr>
              <th scope="col">{kind}</th>
              <th scope="col" title={definition("doraBand")}>
                DORA band
              </th>
              <th scope="col" title={definition("deployments")}>
                deployments AI / other
              </th>
              <th scope="col" title={definition("changeFailureRate")}>
                change failure rate, AI
              </th>
              <th scope="col" title={definition("changeFailureRate")}>
                change failure rate, other
              </th>
              <th scope="col">difference</th>
              <th scope="col" title={definition("leadTimeMedian")}>
                lead time AI / other
              </th>
              <th scope="col" title={definition("recovery")}>
                recovery AI / other
              </th>
              <th scope="col" title={definition("revertRate")}>
                revert rate AI / other
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => {
              const f = g.weeks[0];
              if (f === undefined || f.suppressed || f.guardrails === null) {
                return (
                  <tr key={g.name}>
                    <th scope="row">{g.name}</th>
                    <td colSpan={8} className="suppressed">
                      {f?.suppressed === true
                        ? "suppressed: fewer people than the minimum group size"
                        : "no deployments this week"}
                    </td>
                  </tr>
                );
              }
              const r = f.guardrails;
              const cfr = failureRates(f);
              return (
                <tr key={g.name}>
                  <th scope="row">
                    <Link to={groupWeekPath(g.kind, g.name, week)}>{g.name}</Link>
                  </th>
                  <td>{f.doraBand ?? "n/a"}</td>
                  <td>
                    {formatCount(r.ai.deployments)} / {formatCount(r.other.deployments)}
                  </td>
                  <td>{cfr?.ai ?? "n/a"}</td>
                  <td>{cfr?.other ?? "n/a"}</td>
                  <td>{cfr?.test ?? "—"}</td>
                  <td>
                    {formatHours(r.ai.leadTimeHours.median)} / {formatHours(r.other.leadTimeHours.median)}
                  </td>
                  <td>
                    {formatHours(r.ai.recoveryHoursMedian)} / {formatHours(r.other.recoveryHoursMedian)}
                  </td>
                  <td>
                    {percent(r.ai.revertRate)} / {percent(r.other.revertRate)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function weeksBetween(from: string, to: string): string[] {
  const out: string[] = [];
  // Newest first; the rollups cover at most a few years.
  for (let w = to; w >= from && out.length < 260; w = addWeek(w, -1)) out.push(w);
  return out;
}
