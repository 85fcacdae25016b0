import { useQuery } from "@tanstack/react-query";
import { type GroupKind, leadTimeTest, type WeekFigures } from "./api.js";
import { guardrailRows, TEST_DEFINITION } from "./guardrails.js";
import { definition, Empty } from "./ui.js";

/**
 * A group-week's guardrails, AI-assisted vs other (the overview's and the guardrails page's one
 * table): deployments; change failure rate and revert rate, each side with "x of n" and its 95%
 * Wilson interval, and whether they differ beyond noise; lead time and recovery medians with their
 * 95% intervals and sample sizes; the lead times' Mann-Whitney test (asked of the API for the
 * group-week `at`), the recovery intervals' overlap (not a test). Definitions on hover. The model
 * is `guardrailRows` (guardrails.ts).
 */
export function GuardrailComparison(props: {
  figures: WeekFigures;
  at: { kind: GroupKind; name: string; week: string };
  caption?: string;
}) {
  const { kind, name, week } = props.at;
  const split = !props.figures.suppressed && props.figures.guardrails !== null;
  const test = useQuery({
    queryKey: ["lead-time-test", kind, name, week],
    queryFn: () => leadTimeTest(kind, name, week),
    enabled: split,
  });
  const rows = guardrailRows(props.figures, test.data);
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
