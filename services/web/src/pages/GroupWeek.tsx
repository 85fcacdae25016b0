import { useQuery, useQueryClient } from "@tanstack/react-query";
import { formatCount, formatHours, formatNumber } from "@yardstick/report/format";
import { Link, useParams, useSearchParams } from "react-router";
import { type ChangeItem, type ChangesSummary, changePath } from "../api.js";
import { cursorOf, DEFAULT_PAGE_SIZE, FILTERS, listState, PAGE_SIZES, POSITION } from "../changes-list.js";
import { changesPageQuery, changesSummaryQuery, groupWeekHref, groupWeekQuery, prefetchChange } from "../queries.js";
import { ColumnHeads, definition, Empty, Failure, Loading, ParamSelect, percent, Tile } from "../ui.js";

function why(c: ChangeItem): string {
  if (c.exclusions.length > 0) return c.exclusions.join(", ");
  return c.counted ? "counted" : "over the weekly cap";
}

/** The line that says what the listed changes add up to (the API's count-and-sum answer). */
function SumLine({ s, filter }: { s: ChangesSummary; filter: URLSearchParams }) {
  const engineers = formatCount(s.activeEngineers);
  return (
    <p className="sum" data-testid="sum">
      <span data-testid="listed">{s.listed}</span> changes listed; <span data-testid="counted">{s.counted}</span> of
      them count in ND, <span data-testid="counted-ai">{s.countedAi}</span> in AIND.{" "}
      {filter.size === 0
        ? `ND = ${s.counted} ÷ ${engineers} active engineers = ${formatNumber(s.nd)}; AIND = ${s.countedAi} ÷ ${engineers} = ${formatNumber(s.aind)}.`
        : filter.get("ai") !== "false" && filter.get("qualifying") !== "false"
          ? `Every change counted in AIND is listed: AIND = ${s.countedAi} ÷ ${engineers} active engineers = ${formatNumber(s.aind)}. Clear the filters for ND.`
          : "Filtered: clear the filters to see every change behind ND and AIND."}
    </p>
  );
}

/**
 * A team's, repository's or the organisation's week: its figures, what its changes add up to
 * (one count-and-sum request), and the changes themselves a page at a time: the first page at
 * once, the next on demand. Filters, page size and position live in the address.
 */
export function GroupWeekPage() {
  const { kind = "org", name = "", week = "" } = useParams();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const href = groupWeekHref(kind, name, week);
  const gw = useQuery(groupWeekQuery(href));
  const { filter, size, cursor, start } = listState(params);
  // The list's address is in the group-week's links (null when suppressed). The organisation's
  // week, where the overview's drill-downs land, is suppressed only in an organisation smaller
  // than the group minimum: its count-and-sum and first page are asked for together with its
  // figures (the address the API's link gives), not after them, which saves the drill-down a
  // round trip. A team's or repository's week, often suppressed, waits for its link, so a
  // suppressed one asks for no list at all. The overview fetches its drill-downs' three answers
  // ahead (queries.ts), under these same keys.
  const changesHref = gw.data !== undefined ? gw.data.links.changes : kind === "org" ? `${href}/changes` : null;
  const summary = useQuery(changesSummaryQuery(changesHref, filter));
  const changes = useQuery({
    ...changesPageQuery(changesHref, filter, size, cursor),
    // Turning a page keeps the rows shown until the next arrive (marked as loading); a filter
    // or size change shows nothing of the old list.
    placeholderData: (previous, query) =>
      query?.queryKey[1] === changesHref && query.queryKey[2] === filter.toString() && query.queryKey[3] === size
        ? previous
        : undefined,
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
  const items = changes.data?.items ?? [];
  const showAuthors = items.some((c) => c.author !== null);
  const next = cursorOf(changes.data?.next ?? null);
  const at = (to: { cursor: string | null; start: number }) => {
    const p = new URLSearchParams(params);
    for (const k of POSITION) p.delete(k);
    if (to.cursor !== null) {
      p.set("cursor", to.cursor);
      p.set("start", String(to.start));
    }
    return `?${p}`;
  };
  const end = start + items.length - 1;
  const pager =
    changes.isSuccess && items.length > 0 ? (
      <nav className="pager" aria-label="Pages of the changes" data-testid="pager">
        {changes.isPlaceholderData ? (
          <span role="status">Loading the rows…</span>
        ) : (
          <span data-testid="rows-shown">
            Rows {formatCount(start)}–{formatCount(end)}
            {summary.data === undefined ? "" : ` of ${formatCount(summary.data.listed)}`}
          </span>
        )}
        {cursor === null ? null : <Link to={at({ cursor: null, start: 1 })}>First page</Link>}
        {next === null || changes.isPlaceholderData ? null : (
          <Link to={at({ cursor: next, start: end + 1 })} data-testid="next-page" rel="next">
            Next: rows {formatCount(end + 1)}–
            {formatCount(summary.data === undefined ? end + size : Math.min(end + size, summary.data.listed))}
          </Link>
        )}
      </nav>
    ) : null;
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
            resets={POSITION}
          />
        ))}
        <ParamSelect
          param="size"
          label="Rows per page"
          value={size === DEFAULT_PAGE_SIZE ? "" : String(size)}
          options={PAGE_SIZES.map((n) => ({ value: n === DEFAULT_PAGE_SIZE ? "" : String(n), label: String(n) }))}
        />
      </form>
      {summary.isPending ? <Loading what="what the changes add up to" /> : null}
      {summary.isError ? <Failure error={summary.error} what="what the changes add up to" /> : null}
      {summary.isSuccess ? <SumLine s={summary.data} filter={filter} /> : null}
      {changes.isPending ? <Loading what="the changes" /> : null}
      {changes.isError ? <Failure error={changes.error} what="the changes" /> : null}
      {changes.isSuccess ? (
        <>
          {items.length === 0 ? (
            <Empty>No changes match these filters. Clear a filter to see more.</Empty>
          ) : (
            <table className="changes" aria-busy={changes.isPlaceholderData}>
              <caption className="visually-hidden">Changes deployed in {week}</caption>
              <ColumnHeads
                columns={[
                  "change",
                  "title",
                  "verdict",
                  "tool",
                  "confidence",
                  { label: "lead time", title: definition("leadTimeMedian") },
                  "deployment",
                  { label: "counts?", title: definition("qualifyingChanges") },
                  ...(showAuthors ? ["author"] : []),
                ]}
              />
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} data-counted={c.counted} data-counted-ai={c.countedAi}>
                    <td>
                      {/* Pointing at (or tabbing to) a change fetches its evidence ahead: the click asks for nothing. */}
                      <Link
                        to={changePath(c.id)}
                        onPointerEnter={() => prefetchChange(client, c.id)}
                        onFocus={() => prefetchChange(client, c.id)}
                      >
                        {c.id}
                      </Link>
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
          {pager}
        </>
      ) : null}
    </section>
  );
}
