import { DEFINITIONS } from "@yardstick/report/definitions";
import { NA } from "@yardstick/report/format";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { ApiError } from "./api.js";

export type DefinitionKey = keyof typeof DEFINITIONS;

/** The report's definition of a figure: shown on hover and to screen readers. */
export function definition(key: DefinitionKey): string {
  return DEFINITIONS[key].text;
}

/** A figure with its label, unit, definition (hover) and an optional link to what is behind it. */
export function Tile(props: {
  label: string;
  value: string;
  unit?: string;
  def: DefinitionKey;
  note?: ReactNode;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="tile" data-testid={props.testId}>
      <dt title={definition(props.def)}>{props.label} </dt>
      <dd>
        <span className="value" data-value>
          {props.value}
        </span>
        {props.unit !== undefined && props.value !== NA ? <span className="unit"> {props.unit}</span> : null}
        {props.note === undefined ? null : <div className="note">{props.note}</div>}
        {props.children}
      </dd>
    </div>
  );
}

/** A table column's header: its label, or its label with a definition shown on hover. */
export type Column = string | { label: string; title: string };

/** A table's column headers, in order. */
export function ColumnHeads({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" title={c.title}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A failed read, said plainly, with what to do. */
export function Failure({ error, what }: { error: unknown; what: string }) {
  if (error instanceof ApiError) {
    const todo =
      error.status === 401
        ? "Sign in again."
        : error.status === 404
          ? "Check the address, or pick another week."
          : "Try again in a moment; if it persists, quote the request id to your administrator.";
    return (
      <div className="failure" role="alert">
        <strong>Could not load {what}</strong> ({error.status}): {error.problem?.detail ?? error.message}. {todo}
        {error.problem?.requestId === undefined ? null : (
          <div className="note">request id {error.problem.requestId}</div>
        )}
      </div>
    );
  }
  return (
    <div className="failure" role="alert">
      <strong>Could not load {what}</strong>: {String(error)}. Check that `yardstick serve` is running.
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Colour-blind-safe series colours (Okabe and Ito), darkened where needed for contrast on white. */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C6D00"];
/** Dash patterns that tell series apart without colour. */
export const DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 4 1 4", "12 2"];

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? NA : `${Math.round(v * 100)}%`;
}

/**
 * A labelled select bound to one query parameter of the address (every filter lives in the URL):
 * choosing sets it, and choosing an option whose value is "" removes it. Other parameters stay,
 * but those named in `resets` (a position in a list the choice changes, say) are removed.
 */
export function ParamSelect(props: {
  param: string;
  label: string;
  value: string;
  options: readonly { value: string; label: string }[];
  resets?: readonly string[];
}) {
  const [, setParams] = useSearchParams();
  return (
    <label>
      {props.label}{" "}
      <select
        name={props.param}
        value={props.value}
        onChange={(e) =>
          setParams((p) => {
            if (e.target.value === "") p.delete(props.param);
            else p.set(props.param, e.target.value);
            for (const r of props.resets ?? []) p.delete(r);
            return p;
          })
        }
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
