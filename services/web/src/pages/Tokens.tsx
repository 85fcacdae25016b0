import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatInstant } from "@yardstick/report/format";
import { type FormEvent, useState } from "react";
import { API, ApiError, type CreatedToken, type CreateToken, getJson, sendJson, type TokenList } from "../api.js";
import { Failure, Loading } from "../ui.js";

const TOKENS = `${API}/admin/tokens`;
const when = (iso: string | null) => (iso === null ? "never" : formatInstant(new Date(iso)));

/** What went wrong with a create or revoke, field by field when the API says which. */
function Problem({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return <p role="alert">{String(error)}</p>;
  return (
    <div className="failure" role="alert">
      <strong>{error.problem?.detail?.split("\n")[0] ?? error.message}</strong>
      {error.problem?.errors === undefined ? null : (
        <ul>
          {error.problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * API tokens, for administrators: the list (never a value), a form to create one, whose value is
 * shown once, in this component's state only (gone when the page is left: the API never gives
 * it again), and a revoke button per live token.
 */
export function TokensSection() {
  const client = useQueryClient();
  const tokens = useQuery({ queryKey: ["admin-tokens"], queryFn: () => getJson<TokenList>(TOKENS) });
  const [form, setForm] = useState<CreateToken>({ name: "", role: "viewer", team: "" });
  const [shown, setShown] = useState<CreatedToken | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateToken) => sendJson<CreatedToken>("POST", TOKENS, body),
    onSuccess: (created) => {
      setShown(created);
      setForm({ name: "", role: "viewer", team: "" });
      void client.invalidateQueries({ queryKey: ["admin-tokens"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (name: string) => sendJson<null>("DELETE", `${TOKENS}/${encodeURIComponent(name)}`),
    onSettled: () => void client.invalidateQueries({ queryKey: ["admin-tokens"] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(null);
    create.mutate({
      name: form.name.trim(),
      role: form.role,
      ...(form.role === "lead" ? { team: form.team?.trim() ?? "" } : {}),
    });
  };
  const live = tokens.data?.items.filter((t) => t.kind === "token") ?? [];
  const sessions = tokens.data?.items.filter((t) => t.kind === "session" && t.revokedAt === null).length ?? 0;
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="note">
        For scripts and tools reading the API (`Authorization: Bearer …`). Only a hash is stored: a token's value is
        shown once, when it is created. The command line does the same: `yardstick token create|list|revoke`.
      </p>
      <form className="token-form" onSubmit={submit} data-testid="token-form">
        <label>
          name{" "}
          <input
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            title="letters, digits, . _ - (at most 64)"
            autoComplete="off"
          />
        </label>{" "}
        <label>
          role{" "}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as CreateToken["role"] })}>
            <option value="viewer">viewer</option>
            <option value="lead">lead</option>
            <option value="admin">admin</option>
          </select>
        </label>{" "}
        {form.role === "lead" ? (
          <label>
            team <input value={form.team ?? ""} onChange={(e) => setForm({ ...form, team: e.target.value })} required />
          </label>
        ) : null}{" "}
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {create.isError ? <Problem error={create.error} /> : null}
      {shown === null ? null : (
        <div className="created-token" role="status" data-testid="created-token">
          <p>
            Token <strong>{shown.item.name}</strong> ({shown.item.role}) created. Copy it now: it is shown only this
            once and cannot be shown again.
          </p>
          <code data-testid="token-value">{shown.token}</code>{" "}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(shown.token)}>
            Copy
          </button>{" "}
          <button type="button" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      {revoke.isError ? <Problem error={revoke.error} /> : null}
      {tokens.isPending ? (
        <Loading what="the tokens" />
      ) : tokens.isError ? (
        <Failure error={tokens.error} what="the tokens" />
      ) : (
        <>
          <table data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">role</th>
                <th scope="col">starts with</th>
                <th scope="col">created</th>
                <th scope="col">last used</th>
                <th scope="col">state</th>
                <th scope="col">
                  <span className="visually-hidden">action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {live.map((t) => (
                <tr key={t.name}>
                  <th scope="row">{t.name}</th>
                  <td>
                    {t.role}
                    {t.team === null ? "" : ` (${t.team})`}
                  </td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{when(t.createdAt)}</td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td>
                    {t.revokedAt !== null
                      ? `revoked ${when(t.revokedAt)}`
                      : t.expiresAt !== null
                        ? `expires ${when(t.expiresAt)}`
                        : "active"}
                  </td>
                  <td>
                    {t.revokedAt === null ? (
                      <button
                        type="button"
                        aria-label={`Revoke ${t.name}`}
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (window.confirm(`Revoke ${t.name}? Whatever uses it stops working.`))
                            revoke.mutate(t.name);
                        }}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {live.length === 0 ? <p>No API tokens yet: create one above.</p> : null}
          <p className="note">
            {sessions} active sign-in {sessions === 1 ? "session" : "sessions"} (browsers signed in with GitHub; each
            ends after 8 hours or at sign-out).
          </p>
        </>
      )}
    </section>
  );
}
