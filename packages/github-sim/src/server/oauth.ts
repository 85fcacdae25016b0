import { randomBytes } from "node:crypto";
import type { TokenRegistry } from "./auth.js";

/**
 * GitHub's OAuth web flow (docs.github.com, "Authorizing OAuth apps"), as the simulator plays it:
 *
 * 1. `GET /login/oauth/authorize?client_id&redirect_uri&state[&scope]` is GitHub's sign-in page.
 *    The simulator has no page: the user who signs in is named by `login=` (a simulator
 *    extension; a user of the world, or any login when `open`). It answers 302 to
 *    `redirect_uri?code=...&state=...`, as GitHub does after the user authorises the app.
 * 2. `POST /login/oauth/access_token` (form or JSON: client_id, client_secret, code,
 *    redirect_uri) exchanges the code, once, within 10 minutes, for a user access token
 *    (`gho_...`), as JSON with `Accept: application/json`. Failures are answered as GitHub does:
 *    HTTP 200 with `error` (`bad_verification_code`, `incorrect_client_credentials`,
 *    `redirect_uri_mismatch`).
 * 3. The token then authenticates API requests as that user (`GET /user`).
 */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

interface PendingCode {
  login: string;
  userId: number;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60_000;

export class OAuthFlow {
  readonly #codes = new Map<string, PendingCode>();

  constructor(
    private readonly apps: readonly OAuthApp[],
    private readonly tokens: TokenRegistry,
    private readonly userId: (login: string) => number | undefined,
    private readonly now: () => number,
  ) {}

  authorize(url: URL): { status: number; headers?: Record<string, string>; body?: unknown } {
    const q = url.searchParams;
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    const login = q.get("login") ?? "";
    if (!this.apps.some((a) => a.clientId === clientId)) return { status: 404, body: { message: "Not Found" } };
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return { status: 400, body: { message: "redirect_uri is not a URL" } };
    }
    const userId = this.userId(login);
    if (userId === undefined) {
      return {
        status: 400,
        body: {
          message: `the simulator signs in the user named by login=; ${JSON.stringify(login)} is not a user of the world`,
        },
      };
    }
    const code = randomBytes(10).toString("hex");
    this.#codes.set(code, { login, userId, clientId, redirectUri, expiresAt: this.now() + CODE_TTL_MS });
    redirect.searchParams.set("code", code);
    const state = q.get("state");
    if (state !== null) redirect.searchParams.set("state", state);
    return { status: 302, headers: { location: redirect.toString() } };
  }

  exchange(params: URLSearchParams): Record<string, string> {
    const app = this.apps.find((a) => a.clientId === params.get("client_id"));
    if (app === undefined || app.clientSecret !== params.get("client_secret")) {
      return {
        error: "incorrect_client_credentials",
        error_description: "The client_id and/or client_secret passed are incorrect.",
        error_uri:
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials",
      };
    }
    const code = params.get("code") ?? "";
    const pending = this.#codes.get(code);
    this.#codes.delete(code); // a code is good once
    if (pending === undefined || pending.expiresAt < this.now() || pending.clientId !== app.clientId) {
      return {
        error: "bad_verification_code",
        error_description: "The code passed is incorrect or expired.",
        error_uri:
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code",
      };
    }
    const redirectUri = params.get("redirect_uri");
    if (redirectUri !== null && redirectUri !== pending.redirectUri) {
      return {
        error: "redirect_uri_mismatch",
        error_description: "The redirect_uri MUST match the registered callback URL for this application.",
        error_uri:
          "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch",
      };
    }
    const token = `gho_${randomBytes(18).toString("hex")}`;
    this.tokens.add({ token, login: pending.login, userId: pending.userId });
    return { access_token: token, token_type: "bearer", scope: "read:user" };
  }
}
