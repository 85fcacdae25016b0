import { useQuery, useQueryClient } from "@tanstack/react-query";
import { formatCost, formatCount, formatInstant, formatNumber } from "@yardstick/report/format";
import { type ComponentProps, lazy, Suspense, useEffect } from "react";
import { Link, useSearchParams } from "react-router";
import {
  type Adoption,
  API,
  type GroupsResponse,
  getJson,
  groupWeekPath,
  type Metrics,
  type Projection,
} from "../api.js";
import { DetachedRoot } from "../DetachedRoot.js";
import { GuardrailComparison } from "../GuardrailComparison.js";
import { prefetchOrgWeek } from "../queries.js";
import { definition, Empty, Failure, Loading, ParamSelect, percent, Tile } from "../ui.js";
import { addWeeks, dayOf, isWeek, lastCompleteWeek, laterWeek } from "../weeks.js";

// The charts (recharts, the bundle's largest part) load after the tiles, in their own chunk, and
// are drawn in roots of their own (DetachedRoot: leaving the overview does not wait for their teardown).
const NdChart = lazy(() => import("./OverviewCharts.js").then((m) => ({ default: m.NdChart })));
const AdoptionChart = lazy(() => import("./OverviewCharts.js").then((m) => ({ default: m.AdoptionChart })));

/** The drill-downs' filters: AIND lists the week's AI-assisted qualifying changes, ND its qualifying ones. */
const AIND_DRILL = "qualifying=true&ai=true";
const ND_DRILL = "qualifying=true";

/**
 * Fetches the AIND drill-down's answers (the organisation's week: figures, count-and-sum, first
 * page) once the overview is idle, so that following the link shows them at once; `drill` is null
 * until the figures are shown (and when the week is suppressed: nothing to list).
 */
function usePrefetchDrillDown(drill: { org: string; week: string } | null): void {
  const client = useQueryClient();
  const org = drill?.org;
  const week = drill?.week;
  useEffect(() => {
    if (org === undefined || week === undefined) return;
    const run = () => prefetchOrgWeek(client, org, week, AIND_DRILL);
    // After the overview's own work (its charts' chunk and first draw), not competing with it.
    if (typeof requestIdleCallback === "function") {
      const id = requestIdleCallback(run, { timeout: 2_000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(run, 500);
    return () => clearTimeout(id);
  }, [client, org, week]);
}

/**
 * A figure whose note links to the organisation week's changes behind it (`search`: the drill-down's
 * filter); pointing at (or tabbing to) the link fetches what it opens, if not fetched already.
 */
function DrillTile({
  org,
  week,
  search,
  linkTestId,
  children,
  ...tile
}: Omit<ComponentProps<typeof Tile>, "note"> & { org: string; week: string; search: string; linkTestId?: string }) {
  const client = useQueryClient();
  const ahead = () => prefetchOrgWeek(client, org, week, search);
  return (
    <Tile
      {...tile}
      note={
        <Link
          to={`${groupWeekPath("org", org, week)}?${search}`}
          data-testid={linkTestId}
          onPointerEnter={ahead}
          onFocus={ahead}
        >
          {children}
        </Link>
      }
    />
  );
}

/** "At the last 8 weeks' trend, 80% is reached in 2027-W09", or why not. */
export function projectionText(p: Projection, target: number | null): string {
  const t = percent(target);
  switch (p.status) {
    case "reached":
      return `The ${t} target was reached in ${p.week}.`;
    case "projected":
      return `At the last 8 weeks' trend, ${t} is reached in ${p.week} (${p.weeksAway} weeks away).`;
    case "not-at-this-trend":
      return `Not at this trend: the last 8 weeks do not reach ${t}.`;
    case "unknown":
      return `No projection: ${p.reason}.`;
  }
}

export function OverviewPage() {
  const [params] = useSearchParams();
  const groups = useQuery({ queryKey: ["groups"], queryFn: () => getJson<GroupsResponse>(`${API}/groups`) });
  const fresh = groups.data?.freshness;
  const asked = params.get("week");
  const week = isWeek(asked) ? asked : fresh === undefined ? null : lastCompleteWeek(fresh);
  const first = fresh === undefined || week === null ? null : laterWeek(fresh.from, addWeeks(week, -11));
  const range = first === null || week === null ? null : `from=${dayOf(first)}&to=${dayOf(week)}`;
  const metrics = useQuery({
    queryKey: ["metrics", "org", range],
    queryFn: () => getJson<Metrics>(`${API}/metrics?${range}&group=org`),
    enabled: range !== null,
  });
  const adoption = useQuery({
    queryKey: ["adoption", "org", range],
    queryFn: () => getJson<Adoption>(`${API}/adoption?group=org&${range}`),
    enabled: range !== null,
  });
  const shown = metrics.data?.groups.find((g) => g.kind === "org");
  const shownWeek = shown?.weeks.find((w) => w.week === week);
  usePrefetchDrillDown(
    shown === undefined || shownWeek === undefined || shownWeek.suppressed || week === null
      ? null
      : { org: shown.name, week },
  );

  if (groups.isPending) return <Loading what="the organisation" />;
  if (groups.isError) return <Failure error={groups.error} what="the groups" />;
  if (metrics.isError) return <Failure error={metrics.error} what="the figures" />;
  if (metrics.isPending || fresh === undefined || week === null) return <Loading what="the figures" />;
  const org = metrics.data.groups.find((g) => g.kind === "org");
  const f = org?.weeks.find((w) => w.week === week);
  if (org === undefined || f === undefined) {
    return (
      <Empty>
        No organisation figures for {week} yet. Run a sync (`yardstick sync`, or `yardstick run`) and let the rollups
        run; the <Link to="/status">status page</Link> shows what has been read.
      </Empty>
    );
  }
  const adopt = adoption.data?.groups.find((g) => g.name === org.name);
  const target = f.adoptionTarget;
  const series = org.weeks.map((w) => ({
    week: w.week,
    ND: w.nd,
    AIND: w.aind,
    adoption: w.adoption === null ? null : Math.round(w.adoption * 1000) / 10,
    adoption4w: w.adoption4w === null ? null : Math.round(w.adoption4w * 1000) / 10,
  }));
  const weeks = [...metrics.data.weeks].reverse();

  return (
    <div className="overview">
      <div className="page-head">
        <h1>
          {org.name}: week {week}
          {f.provisional ? (
            <span className="badge" title={definition("provisional")}>
              provisional
            </span>
          ) : null}
        </h1>
        <ParamSelect
          param="week"
          label="Week"
          value={week}
          options={(weeks.includes(fresh.to) ? weeks : [...weeks, fresh.to]).map((w) => ({ value: w, label: w }))}
        />
        <p className="freshness" data-testid="freshness">
          Figures computed {formatInstant(new Date(fresh.computedAt))}; rollups last ran{" "}
          {formatInstant(new Date(fresh.lastRunAt))}. <Link to="/status">Data status</Link>
        </p>
      </div>
      {f.suppressed ? (
        <Empty>The organisation's figures are suppressed this week: {definition("suppressed")}</Empty>
      ) : null}
      <dl className="tiles">
        <Tile label="Active engineers" value={formatCount(f.activeEngineers)} unit="people" def="activeEngineers" />
        <DrillTile
          label="ND"
          value={formatNumber(f.nd)}
          unit="deployed changes per engineer"
          def="nd"
          testId="tile-nd"
          org={org.name}
          week={week}
          search={ND_DRILL}
        >
          {formatCount(f.qualifyingChanges)} qualifying changes
        </DrillTile>
        <DrillTile
          label="AIND"
          value={formatNumber(f.aind)}
          unit="AI-assisted changes per engineer"
          def="aind"
          testId="tile-aind"
          org={org.name}
          week={week}
          search={AIND_DRILL}
          linkTestId="aind-drill"
        >
          {formatCount(f.aiQualifyingChanges)} AI-assisted qualifying changes
        </DrillTile>
        <Tile label="AI share" value={percent(f.aiShare)} def="aiShare" note="AIND ÷ ND" />
        <Tile
          label="Adoption, weekly"
          value={percent(f.adoption)}
          def="adoption"
          note={`target ${percent(target)}; ${formatCount(f.peopleToTarget)} more people needed`}
        />
        <Tile
          label="Adoption, 4 weeks"
          value={percent(f.adoption4w)}
          def="adoption4w"
          note={`target ${percent(target)}`}
        />
        <Tile
          label="Cost per AI-assisted change"
          value={formatCost(f.costPerAiChange)}
          unit="(usage currency)"
          def="costPerAiChange"
        />
      </dl>
      <div className="charts">
        <figure>
          <figcaption title={definition("nd")}>ND and AIND per week</figcaption>
          <DetachedRoot className="chart-space">
            <Suspense fallback={null}>
              <NdChart series={series} />
            </Suspense>
          </DetachedRoot>
        </figure>
        <figure>
          <figcaption title={definition("adoption")}>Adoption against the target (%)</figcaption>
          <DetachedRoot className="chart-space">
            <Suspense fallback={null}>
              <AdoptionChart series={series} target={target} />
            </Suspense>
          </DetachedRoot>
          <p className="projection" data-testid="projection">
            {adopt === undefined
              ? adoption.isError
                ? "No projection."
                : "…"
              : projectionText(adopt.projection, adopt.target)}
          </p>
        </figure>
      </div>
      <section aria-labelledby="guardrails">
        <h2 id="guardrails">Guardrails: AI-assisted vs other changes</h2>
        <GuardrailComparison
          figures={f}
          at={{ kind: "org", name: org.name, week }}
          caption={`Guardrails of ${org.name}, week ${week}`}
        />
      </section>
    </div>
  );
}
