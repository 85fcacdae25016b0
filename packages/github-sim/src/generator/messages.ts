/** Commit messages: whose identity a commit carries, a message's parts, GitHub's squash message. */
import type { WorldCommit } from "../world/schema.js";
import type { Ident } from "./forms.js";
import type { Person } from "./model.js";
import type { Prng } from "./prng.js";

/** A person's commit identity: their work email, or (15%) their noreply address. */
export function identOf(p: Person, rng: Prng): Ident {
  return { name: p.name, email: rng.chance(0.85) || p.aiCompanyEmail ? p.email : p.noreply, login: p.login };
}

/** Subject, body, footer and trailers, separated by blank lines. */
export function messageOf(subject: string, body: string, footer: string | undefined, trailers: string[]): string {
  let m = subject;
  if (body) m += `\n\n${body}`;
  if (footer) m += `\n\n${footer}`;
  if (trailers.length > 0) m += `\n\n${trailers.join("\n")}`;
  return m;
}

const CO_AUTHOR_LINE = /^co-authored-by:\s*(.+?)\s*<([^>]+)>\s*$/gim;

/** GitHub's default squash message (see shared/ATTRIBUTION.md). */
export function squashMessage(
  title: string,
  number: number,
  commits: readonly WorldCommit[],
  squashAuthorEmail: string,
): string {
  const seen = new Set<string>([squashAuthorEmail.toLowerCase()]);
  const coAuthors: string[] = [];
  const add = (name: string, email: string) => {
    const key = email.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    coAuthors.push(`Co-authored-by: ${name} <${email}>`);
  };
  for (const c of commits) {
    for (const m of c.message.matchAll(CO_AUTHOR_LINE)) add(m[1] ?? "", m[2] ?? "");
    add(c.author.name, c.author.email);
  }
  const subject = `${title} (#${number})`;
  if (commits.length === 1) {
    const body = (commits[0] as WorldCommit).message.split("\n").slice(1).join("\n").trim();
    const extra = coAuthors.filter((l) => !body.toLowerCase().includes(l.toLowerCase()));
    return [subject, body, extra.join("\n")].filter((s) => s !== "").join("\n\n");
  }
  const bullets = commits.map((c) => `* ${c.message}`).join("\n\n");
  return coAuthors.length > 0
    ? `${subject}\n\n${bullets}\n\n---------\n\n${coAuthors.join("\n")}`
    : `${subject}\n\n${bullets}`;
}
