import { useQuery } from "@tanstack/react-query";
import { formatInstant } from "@yardstick/report/format";
import { API, getJson, type Metrics, type Status } from "../api.js";
import { ColumnHeads, Empty, Failure, Loading, percent } from "../ui.js";
import { dayOf } from "../weeks.js";

const when = (iso: string | null) => (iso === null ? "never" : formatInstant(new Date(iso)));

/** How fresh and complete the data is: rollups, syncs per repository, queues, coverage. */
export function StatusPage() {
  const status = useQuery({ queryKey: ["status"], queryFn: () => getJson<Status>(`${API}/status`) });
  // The last week's notes: repositories without a deployment signal, merged but not deployed.
  const to = status.data?.rollups?.to ?? null;
  const notes = useQuery({
    queryKey: ["metrics", "org", "notes", to],
    queryFn: () => getJson<Metrics>(`${API}/metrics?from=${dayOf(to as string)}&to=${dayOf(to as string)}&group=org`),
    enabled: to !== null,
  });
  if (status.isPending) return <Loading what="the status" />;
  if (status.isError) return <Failure error={status.error} what="the status" />;
  const s = status.data;
  return (
    <section>
      <h1>Data status</h1>
      <h2>Rollups</h2>
      {s.rollups === null ? (
        <Empty>No rollups yet: run `yardstick sync` (or `yardstick run`), then the figures appear here.</Empty>
      ) : (
        <dl className="facts">
          <dt>Weeks covered</dt>
          <dd>
            {s.rollups.from} to {s.rollups.to}
          </dd>
          <dt>Figures computed at</dt>
          <dd>{when(s.rollups.computedAt)}</dd>
          <dt>Last run</dt>
          <dd>
            {when(s.rollups.lastRunAt)} ({s.rollups.lastMode}); last full recompute {when(s.rollups.lastFullAt)}
          </dd>
          <dt title="Weeks whose revert window has not closed: their figures may still drop">Provisional weeks</dt>
          <dd>{s.provisionalWeeks.length === 0 ? "none" : s.provisionalWeeks.join(", ")}</dd>
        </dl>
      )}
      <h2>Coverage</h2>
      <dl className="facts">
        <dt>Last sync</dt>
        <dd>{when(s.coverage.lastSyncAt)}</dd>
        <dt title="Commit authors Yardstick could not match to a person">Unknown identities</dt>
        <dd>{s.coverage.unresolvedAccounts}</dd>
        <dt>Sync streams with errors</dt>
        <dd>{s.coverage.syncStreamsWithErrors}</dd>
        <dt>Attribution rule versions</dt>
        <dd>{s.coverage.ruleVersions.join(", ") || "—"}</dd>
        <dt title="Records a sync could not store: `yardstick quarantine` lists them">Quarantined records</dt>
        <dd>{s.quarantinedRecords}</dd>
        <dt title="Logins of teams.file or roster.file that are not members of the organisation: left out of the roster and the teams">
          Data-file logins left out
        </dt>
        <dd data-testid="roster-left-out">
          {s.rosters.length === 0
            ? "—"
            : s.rosters
                .map(
                  (r) => `${r.org}: ${r.leftOut}${r.leftOutLogins?.length ? ` (${r.leftOutLogins.join(", ")})` : ""}`,
                )
                .join("; ")}
        </dd>
        <dt>Webhooks outside the configured scope</dt>
        <dd>{s.webhooksOutOfScope ?? "webhooks off"}</dd>
      </dl>
      <h2>Attribution coverage</h2>
      {s.attribution.weeks.length === 0 ? (
        <Empty>No changes in the rollups yet: run `yardstick sync`, then each week's coverage appears here.</Empty>
      ) : (
        <table data-testid="attribution-coverage">
          <caption className="note">
            The changes behind the organisation's figures in the last weeks: how many carry any AI signal (one evidence
            item or more, whatever its confidence), how many are AI-assisted (a signal at or above the threshold), and
            how many are credited to nobody known (an unknown identity: they count in no person's figures).
          </caption>
          <ColumnHeads
            columns={[
              "week",
              "changes",
              { label: "with any AI signal", title: "Changes with at least one AI signal, whatever its confidence" },
              "AI-assisted",
              { label: "unknown identity", title: "Changes credited to no known person" },
            ]}
          />
          <tbody>
            {s.attribution.weeks.map((w) => (
              <tr key={w.week}>
                <th scope="row">
                  {w.week}
                  {s.provisionalWeeks.includes(w.week) ? " (provisional)" : ""}
                </th>
                <td>{w.changes}</td>
                <td>
                  {w.withSignal} ({percent(w.signalShare)})
                </td>
                <td>
                  {w.aiAssisted} ({percent(w.changes === 0 ? null : w.aiAssisted / w.changes)})
                </td>
                <td>{w.withoutPerson}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Deployment signal</h2>
      {notes.data === undefined ? (
        <p className="note">{notes.isError ? "Could not read the notes." : "…"}</p>
      ) : (
        <dl className="facts" data-testid="deployment-signal">
          <dt title="Repositories where no production deployment was detected: their figures use the merged variant">
            Repositories without a deployment signal
          </dt>
          <dd>
            {notes.data.notes.reposWithoutDeploymentSignal.length === 0
              ? "none"
              : notes.data.notes.reposWithoutDeploymentSignal.join(", ")}
          </dd>
          <dt>Merged, not yet deployed</dt>
          <dd>{notes.data.notes.mergedNotDeployed} changes</dd>
        </dl>
      )}
      <h2>Queues</h2>
      {s.queues === null ? (
        <p>Jobs run inline in one process (no Redis): no queues.</p>
      ) : (
        <table>
          <ColumnHeads columns={["queue", "waiting", "active", "delayed", "failed"]} />
          <tbody>
            {s.queues.map((q) => (
              <tr key={q.name}>
                <th scope="row">{q.name}</th>
                <td>{q.waiting}</td>
                <td>{q.active}</td>
                <td>{q.delayed}</td>
                <td>{q.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Failed jobs</h2>
      {s.failedJobs === null ? (
        <p>Jobs run inline in one process (no Redis): a failure ends the command that ran it, with its reason.</p>
      ) : s.failedJobs.length === 0 ? (
        <p>None: no job has failed for good.</p>
      ) : (
        <table data-testid="failed-jobs">
          <caption className="note">
            The newest jobs that failed after their last retry. Retry a repository with `yardstick sync --repo
            OWNER/NAME`.
          </caption>
          <ColumnHeads columns={["job", "queue", "failed", "attempts", "reason"]} />
          <tbody>
            {s.failedJobs.map((j) => (
              <tr key={`${j.queue}:${j.jobId}`}>
                <th scope="row">
                  {j.name} <span className="note">{j.jobId}</span>
                </th>
                <td>{j.queue}</td>
                <td>{when(j.failedAt)}</td>
                <td>{j.attempts}</td>
                <td>{j.reason ?? <span className="note">shown to administrators</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>GitHub rate budget</h2>
      {s.rateBudget === null ? (
        <p>Unknown: only workers sharing a Redis publish the budget they see (set REDIS_URL).</p>
      ) : s.rateBudget.every((c) => c.resources.length === 0) ? (
        <Empty>No worker has talked to GitHub with the configured credentials yet.</Empty>
      ) : (
        <table data-testid="rate-budget">
          <ColumnHeads columns={["credential", "budget", "remaining", "resets", "seen"]} />
          <tbody>
            {s.rateBudget.flatMap((c) =>
              c.resources.map((r) => (
                <tr key={`${c.credential}:${r.resource}`}>
                  <th scope="row" title={`${c.credential}: a hash naming the token or App installation`}>
                    {c.label}
                  </th>
                  <td>{r.resource === "core" ? "REST" : r.resource === "graphql" ? "GraphQL" : r.resource}</td>
                  <td>
                    {r.remaining}
                    {r.limit === null ? "" : ` of ${r.limit}`}
                  </td>
                  <td>{when(r.resetAt)}</td>
                  <td>{when(r.seenAt)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      <h2>Repositories</h2>
      {s.repositories.length === 0 ? (
        <Empty>No repository synced yet.</Empty>
      ) : (
        <table data-testid="repositories">
          <ColumnHeads columns={["repository", "last sync", "last error"]} />
          <tbody>
            {s.repositories.map((r) => (
              <tr key={r.repo}>
                <th scope="row">{r.repo}</th>
                <td>{when(r.lastSyncAt)}</td>
                <td>{r.lastError ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
