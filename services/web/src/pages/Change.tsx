import { useQuery } from "@tanstack/react-query";
import { formatHours, formatInstant } from "@yardstick/report/format";
import { Link, useParams } from "react-router";
import { groupWeekPath } from "../api.js";
import { changeQuery } from "../queries.js";
import { ColumnHeads, Failure, Loading } from "../ui.js";

/** Where a signal was found, as a link when it is a commit. */
function Where({ location, repoUrl }: { location: unknown; repoUrl: string | null }) {
  const loc = (location ?? {}) as { kind?: string; sha?: string; field?: string };
  if (loc.kind === "commit" && typeof loc.sha === "string") {
    const text = `commit ${loc.sha.slice(0, 10)} (${loc.field ?? "message"})`;
    return repoUrl === null ? <span>{text}</span> : <a href={`${repoUrl}/commit/${loc.sha}`}>{text}</a>;
  }
  return <span>pull request {loc.field ?? ""}</span>;
}

/** One change: its verdict, every piece of evidence and where it was found, its group-weeks. */
export function ChangePage() {
  const { id = "" } = useParams();
  // Under the key the group-week's change links fetch it ahead with (queries.ts).
  const change = useQuery(changeQuery(id));
  if (change.isPending) return <Loading what={id} />;
  if (change.isError) return <Failure error={change.error} what={id} />;
  const c = change.data;
  // The repository's web address, from the change's own link (GitHub or GHES).
  const repoUrl = c.url === null ? null : c.url.replace(/\/(pull\/\d+|commit\/[0-9a-f]+)$/, "");
  return (
    <section>
      <p className="crumbs">
        {c.groupWeeks.map((g) => (
          <Link key={g.href} to={groupWeekPath(g.kind, g.name, g.week)}>
            {g.kind} {g.name} {g.week}
          </Link>
        ))}
      </p>
      <h1>
        {c.id}: {c.title ?? "untitled"}
      </h1>
      <p>
        {c.url === null ? null : (
          <a href={c.url} data-testid="github-link">
            Open on GitHub
          </a>
        )}
      </p>
      <dl className="facts">
        <dt>Verdict</dt>
        <dd data-testid="verdict">
          {c.ai.assisted ? "AI-assisted" : "not AI-assisted"} ({c.ai.class ?? "no verdict"}; rules{" "}
          {c.ai.ruleVersion ?? "—"})
        </dd>
        <dt>Tool</dt>
        <dd>{c.ai.tools.length === 0 ? "—" : c.ai.tools.join(", ")}</dd>
        <dt>Confidence</dt>
        <dd>{c.ai.confidence ?? "—"}</dd>
        <dt>Merged</dt>
        <dd>{formatInstant(new Date(c.mergedAt))}</dd>
        <dt>Deployed</dt>
        <dd>
          {c.deployedAt === null ? "not deployed" : formatInstant(new Date(c.deployedAt))}
          {c.deploymentId === null ? null : ` (${c.deploymentId})`}; lead time {formatHours(c.leadTimeHours)}
        </dd>
        <dt>Counts</dt>
        <dd>
          {c.qualifying ? "qualifying" : `excluded: ${c.exclusions.join(", ")}`}
          {c.revertedBy === null ? "" : `; reverted by ${c.revertedBy}`}
        </dd>
        {c.author === null ? null : (
          <>
            <dt>Credited to</dt>
            <dd>
              {c.author.login ?? "—"} ({c.author.creditReason ?? "—"})
            </dd>
          </>
        )}
      </dl>
      <h2>Evidence</h2>
      {c.ai.evidence.length === 0 ? (
        <p>No AI signal was found in this change's commits or pull request.</p>
      ) : (
        <table data-testid="evidence">
          <ColumnHeads columns={["signal", "tool", "confidence", "found in", "matched text"]} />
          <tbody>
            {c.ai.evidence.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: evidence has no id and never reorders.
              <tr key={i}>
                <td>{String(e.signal ?? "")}</td>
                <td>{String(e.tool ?? "—")}</td>
                <td>{String(e.confidence ?? "—")}</td>
                <td>
                  <Where location={e.location} repoUrl={repoUrl} />
                </td>
                <td>
                  <code>{String(e.matched ?? "")}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
