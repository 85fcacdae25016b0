import type { WeekFigures } from "./api.js";
import { guardrailRows, TEST_DEFINITION } from "./guardrails.js";
import { definition, Empty } from "./ui.js";

/**
 * A group-week's guardrails, AI-assisted vs other (the overview's and the guardrails page's one
 * table): deployments; change failure rate and revert rate, each side with "x of n" and its 95%
 * Wilson interval, and whether they differ beyond noise; lead time and recovery medians with their
 * sample sizes. Definitions on hover. The model is `guardrailRows` (guardrails.ts).
 */
export function GuardrailComparison(props: { figures: WeekFigures; caption?: string }) {
  const rows = guardrailRows(props.figures);
  if (rows === null) {
    return (
      <Empty>
        {props.figures.suppressed
          ? `Suppressed: ${definition("suppressed")}`
          : "No guardrail split this week (no deployments or changes)."}
      </Empty>
    );
  }
  return (
    <table className="compact guardrails">
      {props.caption === undefined ? null : <caption className="visually-hidden">{props.caption}</caption>}
      <thead>
        <tr>
          <th scope="col">figure</th>
          <th scope="col">AI-assisted</th>
          <th scope="col">other</th>
          <th scope="col" title={TEST_DEFINITION}>
            difference
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-figure={r.key}>
            <th scope="row" title={definition(r.def)}>
              {r.label}
              {r.counts === null ? null : <span className="note"> ({r.counts})</span>}
            </th>
            <td>{r.ai}</td>
            <td>{r.other}</td>
            <td>{r.test ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
