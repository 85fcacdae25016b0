import { useQuery } from "@tanstack/react-query";
import { MEDIAN_CI_MIN_SAMPLES } from "@yardstick/metrics/stats";
import { Link, useSearchParams } from "react-router";
import { API, type GroupsResponse, getJson, groupWeekPath, type Metrics } from "../api.js";
import { GuardrailComparison } from "../GuardrailComparison.js";
import { MIN_EXPECTED } from "../guardrails.js";
import { definition, Empty, Failure, Loading, ParamSelect } from "../ui.js";
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
        Each group's figures for AI-assisted and for other changes: change failure rate (failed ÷ deployments) and
        revert rate (reverted ÷ changes deployed), each with the counts behind it and its 95% Wilson interval, and
        whether the two differ beyond noise (two-sided two-proportion z-test at 5%, only with at least {MIN_EXPECTED}{" "}
        expected per cell); lead time and recovery medians, each with its distribution-free 95% interval (binomial order
        statistics, from {MEDIAN_CI_MIN_SAMPLES} values on) and its sample size; whether the lead times differ beyond
        noise (two-sided Mann-Whitney U test at 5%, with at least 5 changes a side); for recovery, whether the two
        intervals overlap, which is not a test. Groups alphabetical.
      </p>
      {rows.length === 0 ? (
        <Empty>
          No {kind} has figures for {week}.
        </Empty>
      ) : (
        <div className="guardrail-groups" data-testid="guardrails-groups">
          {rows.map((g) => {
            const f = g.weeks[0];
            return (
              <section key={g.name} data-group={g.name}>
                <h2>
                  {f === undefined || f.suppressed ? (
                    g.name
                  ) : (
                    <Link to={groupWeekPath(g.kind, g.name, week)}>{g.name}</Link>
                  )}
                </h2>
                {f === undefined ? (
                  <p className="suppressed">not rolled up for this week</p>
                ) : f.suppressed ? (
                  <p className="suppressed">suppressed: fewer people than the minimum group size</p>
                ) : (
                  <>
                    <p className="note">
                      <span title={definition("doraBand")}>DORA band: {f.doraBand ?? "n/a"}</span>
                    </p>
                    <GuardrailComparison
                      figures={f}
                      at={{ kind: g.kind, name: g.name, week }}
                      caption={`Guardrails of ${g.name}, week ${week}`}
                    />
                  </>
                )}
              </section>
            );
          })}
        </div>
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
