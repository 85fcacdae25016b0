import { z } from "zod";

/** A token the simulator accepts, with the account it acts as and optional limits of its own. */
export const TokenSpec = z.object({
  token: z.string().min(1),
  login: z.string().default("sim-user"),
  userId: z.number().int().positive().default(1),
  /** REST requests per hour for this token (default: the server's). */
  restLimit: z.number().int().positive().optional(),
  /** GraphQL points per hour for this token (default: the server's). */
  graphqlLimit: z.number().int().positive().optional(),
});
export type TokenSpec = z.infer<typeof TokenSpec>;
export type TokenInput = string | z.input<typeof TokenSpec>;

export type AuthResult =
  | { ok: true; token: string; spec: TokenSpec }
  | { ok: false; status: 401; body: { message: string; documentation_url: string; status: string } };

const DOCS = "https://docs.github.com/rest";

/** Reads `Authorization: token X` or `Authorization: Bearer X`. */
export function tokenFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

export class TokenRegistry {
  readonly #tokens = new Map<string, TokenSpec>();
  /** When no tokens are configured every non-empty token is accepted. */
  readonly open: boolean;

  constructor(tokens?: readonly TokenInput[]) {
    this.open = tokens === undefined;
    (tokens ?? []).forEach((t, i) => {
      const spec = TokenSpec.parse(typeof t === "string" ? { token: t, userId: i + 1 } : { userId: i + 1, ...t });
      this.#tokens.set(spec.token, spec);
    });
  }

  add(t: TokenInput): TokenSpec {
    const spec = TokenSpec.parse(typeof t === "string" ? { token: t, userId: this.#tokens.size + 1 } : t);
    this.#tokens.set(spec.token, spec);
    return spec;
  }

  list(): TokenSpec[] {
    return [...this.#tokens.values()];
  }

  authenticate(header: string | undefined): AuthResult {
    const token = tokenFromHeader(header);
    if (token === null) {
      return {
        ok: false,
        status: 401,
        body: { message: "Requires authentication", documentation_url: DOCS, status: "401" },
      };
    }
    const spec =
      this.#tokens.get(token) ?? (this.open ? this.add({ token, userId: this.#tokens.size + 1 }) : undefined);
    if (!spec) {
      return { ok: false, status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" } };
    }
    return { ok: true, token, spec };
  }
}
