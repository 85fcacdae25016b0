import { useQuery } from "@tanstack/react-query";
import { formatCount, formatHours, formatNumber } from "@yardstick/report/format";
import { Link, useParams, useSearchParams } from "react-router";
import { API, allChanges, type ChangeItem, changePath, type GroupWeek, getJson } from "../api.js";
import { definition, Empty, Failure, Loading, ParamSelect, percent, Tile } from "../ui.js";

const FILTERS = [
  { key: "qualifying", label: "Qualifying", options: ["", "true", "false"], names: ["all", "qualifying", "excluded"] },
  { key: "ai", label: "AI-assisted", options: ["", "true", "false"], names: ["all", "AI-assisted", "not AI-assisted"] },
] as const;

function why(c: ChangeItem): string {
  if (c.exclusions.length > 0) return c.exclusions.join(", ");
  return c.counted ? "counted" : "over the weekly cap";
}

/** A team's, repository's or the organisation's week: its figures and every change behind them. */
export function GroupWeekPage() {
  const { kind = "org", name = "", week = "" } = useParams();
  const [params] = useSearchParams();
  const href = `${API}/groups/${kind}/${encodeURIComponent(name)}/weeks/${week}`;
  const gw = useQuery({ queryKey: ["group-week", href], queryFn: () => getJson<GroupWeek>(href) });
  const filter = new URLSearchParams();
  for (const f of FILTERS) {
    const v = params.get(f.key);
    if (v === "true" || v === "false") filter.set(f.key, v);
  }
  const changesHref = gw.data?.links.changes ?? null;
  const changes = useQuery({
    queryKey: ["changes", changesHref, filter.toString()],
    queryFn: () => allChanges(changesHref as string, filter),
    enabled: changesHref !== null,
  });

  if (gw.isPending) return <Loading what={`${name} in ${week}`} />;
  if (gw.isError) return <Failure error={gw.error} what={`${kind} ${name} in ${week}`} />;
  const f = gw.data.figures;
  const title = `${kind === "org" ? "Organisation" : kind === "team" ? "Team" : "Repository"} ${name}, week ${week}`;
  if (f.suppressed) {
    return (
      <section>
        <h1>{title}</h1>
        <Empty>
          <strong>Suppressed.</strong> {definition("suppressed")} Its changes are not listed, so nobody in it can be
          singled out.
        </Empty>
      </section>
    );
  }
  const items = changes.data ?? [];
  const counted = items.filter((c) => c.counted).length;
  const countedAi = items.filter((c) => c.countedAi).length;
  const showAuthors = items.some((c) => c.author !== null);
  return (
    <section>
      <p className="crumbs">
        <Link to={`/?week=${week}`}>Overview</Link> › {title}
      </p>
      <h1>{title}</h1>
      <dl className="tiles">
        <Tile label="Active engineers" value={formatCount(f.activeEngineers)} unit="people" def="activeEngineers" />
        <Tile label="ND" value={formatNumber(f.nd)} def="nd" testId="gw-nd" />
        <Tile label="AIND" value={formatNumber(f.aind)} def="aind" testId="gw-aind" />
        <Tile label="Qualifying changes" value={formatCount(f.qualifyingChanges)} def="qualifyingChanges" />
        <Tile label="AI-assisted qualifying" value={formatCount(f.aiQualifyingChanges)} def="aiQualifyingChanges" />
        <Tile label="Deployments" value={formatCount(f.deployments)} def="deployments" />
        <Tile label="Change failure rate" value={percent(f.changeFailureRate)} def="changeFailureRate" />
      </dl>
      <form className="filters" aria-label="Filter the changes" onSubmit={(e) => e.preventDefault()}>
        {FILTERS.map((flt) => (
          <ParamSelect
            key={flt.key}
            param={flt.key}
            label={flt.label}
            value={params.get(flt.key) ?? ""}
            options={flt.options.map((o, i) => ({ value: o, label: flt.names[i] ?? o }))}
          />
        ))}
      </form>
      {changes.isPending ? <Loading what="the changes" /> : null}
      {changes.isError ? <Failure error={changes.error} what="the changes" /> : null}
      {changes.isSuccess ? (
        <>
          <p className="sum" data-testid="sum">
            {items.length} changes listed; <span data-testid="counted">{counted}</span> of them count in ND,{" "}
            <span data-testid="counted-ai">{countedAi}</span> in AIND.{" "}
            {filter.size === 0
              ? `ND = ${counted} ÷ ${formatCount(f.activeEngineers)} active engineers = ${formatNumber(f.nd)}; AIND = ${countedAi} ÷ ${formatCount(f.activeEngineers)} = ${formatNumber(f.aind)}.`
              : filter.get("ai") !== "false" && filter.get("qualifying") !== "false"
                ? `Every change counted in AIND is listed: AIND = ${countedAi} ÷ ${formatCount(f.activeEngineers)} active engineers = ${formatNumber(f.aind)}. Clear the filters for ND.`
                : "Filtered: clear the filters to see every change behind ND and AIND."}
          </p>
          {items.length === 0 ? (
            <Empty>No changes match these filters. Clear a filter to see more.</Empty>
          ) : (
            <table className="changes">
              <caption className="visually-hidden">Changes deployed in {week}</caption>
              <thead>
                <tr>
                  <th scope="col">change</th>
                  <th scope="col">title</th>
                  <th scope="col">verdict</th>
                  <th scope="col">tool</th>
                  <th scope="col">confidence</th>
                  <th scope="col" title={definition("leadTimeMedian")}>
                    lead time
                  </th>
                  <th scope="col">deployment</th>
                  <th scope="col" title={definition("qualifyingChanges")}>
                    counts?
                  </th>
                  {showAuthors ? <th scope="col">author</th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} data-counted={c.counted} data-counted-ai={c.countedAi}>
                    <td>
                      <Link to={changePath(c.id)}>{c.id}</Link>
                    </td>
                    <td className="title-cell">{c.title ?? "—"}</td>
                    <td>{c.ai.assisted ? "AI-assisted" : (c.ai.class ?? "no verdict")}</td>
                    <td>{c.ai.tool ?? "—"}</td>
                    <td>{c.ai.confidence ?? "—"}</td>
                    <td>{formatHours(c.leadTimeHours)}</td>
                    <td>{c.deploymentId ?? "—"}</td>
                    <td>{why(c)}</td>
                    {showAuthors ? <td>{c.author?.login ?? "—"}</td> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
