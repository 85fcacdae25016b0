import { useQuery } from "@tanstack/react-query";
import { NavLink, Outlet, useLocation } from "react-router";
import { API, ApiError, getJson, type Me } from "./api.js";
import { Failure, Loading } from "./ui.js";

/** Where to come back to after signing in: the API accepts plain same-site paths only. */
function returnTo(path: string): string {
  return /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(path) ? path : "/";
}

async function signOut() {
  await fetch("/auth/logout", { method: "POST", credentials: "same-origin" });
  window.location.assign("/");
}

export function SignIn() {
  const location = useLocation();
  const back = returnTo(`${location.pathname}${location.search}`);
  return (
    <main id="main" className="signin">
      <h1>Yardstick</h1>
      <p>Is AI helping us ship, and are we on track? Sign in to see your organisation's figures.</p>
      <a className="button" href={`/auth/github/login?returnTo=${encodeURIComponent(back)}`}>
        Sign in with GitHub
      </a>
      <p className="note">
        Only members of an organisation Yardstick reads can sign in. Signing in needs a GitHub OAuth app configured on
        the server (GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET); in the demo, open /auth/demo instead.
        Scripts use an API token (`yardstick token create`).
      </p>
    </main>
  );
}

/** The page frame: navigation, who is signed in with which role, and the page. */
export function Layout() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => getJson<Me>(`${API}/me`), staleTime: 300_000 });
  if (me.isPending) return <Loading what="your session" />;
  if (me.error instanceof ApiError && me.error.status === 401) return <SignIn />;
  if (me.isError) return <Failure error={me.error} what="your session" />;
  const demo = me.data.name.startsWith("demo.");
  return (
    <>
      <a className="skip" href="#main">
        Skip to the figures
      </a>
      {demo ? (
        <div className="demo-banner" role="note">
          Demo: a simulated organisation, signed in as an administrator. Nothing here is real data.
        </div>
      ) : null}
      <header className="top">
        <span className="brand">Yardstick</span>
        <nav aria-label="Pages">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/adoption">Adoption</NavLink>
          <NavLink to="/guardrails">Guardrails</NavLink>
          <NavLink to="/status">Status</NavLink>
          {me.data.role === "admin" ? <NavLink to="/admin">Admin</NavLink> : null}
        </nav>
        <span className="who" data-testid="who">
          {me.data.login ?? me.data.name} · <span data-testid="role">{me.data.role}</span>
          {me.data.team === null ? null : ` (${me.data.team})`}
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <Outlet context={me.data} />
      </main>
    </>
  );
}
