import { describe, expect, it } from "vitest";
import { dashboardLinks, dashboardPaths } from "./dashboard-links.js";
import { buildDigest } from "./digest.js";
import { renderDigestHtml, renderDigestMarkdown, renderDigestSlack, renderDigestText } from "./digest-render.js";
import { renderReportHtml } from "./html.js";
import { renderReportMarkdown } from "./markdown.js";
import { sampleOutput } from "./test-fixture.js";

const BASE = "https://yardstick.acme.test/dash/";
const HOSTILE = "<script>alert('x')</script> & \"platform\"";
const generatedAt = new Date("2026-11-24T09:00:00Z");

/** Every href in an HTML document, unescaped. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
    (m[1] ?? "").replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'"),
  );
}

describe("dashboard addresses", () => {
  it("puts every page's state in its address, names encoded as one path segment", () => {
    expect(dashboardPaths.overview("2026-W47")).toBe("/?week=2026-W47");
    expect(dashboardPaths.overview()).toBe("/");
    expect(dashboardPaths.groupWeek("repo", "acme/billing", "2026-W47", { qualifying: true, ai: true })).toBe(
      "/groups/repo/acme%2Fbilling/weeks/2026-W47?qualifying=true&ai=true",
    );
    expect(dashboardPaths.groupWeek("team", "a b#c?d", "2026-W47")).toBe("/groups/team/a%20b%23c%3Fd/weeks/2026-W47");
    expect(dashboardPaths.change("acme/billing#812")).toBe("/changes/acme%2Fbilling%23812");
    expect(dashboardPaths.adoption("repo", "2026-W47")).toBe("/adoption?group=repo&week=2026-W47");
    expect(dashboardPaths.guardrails("org", "2026-W47")).toBe("/guardrails?group=org&week=2026-W47");
    expect(dashboardPaths.status()).toBe("/status");
  });

  it("makes them absolute under the configured base, keeping its path prefix", () => {
    const links = dashboardLinks("https://yardstick.acme.test/dash");
    expect(links.overview("2026-W47")).toBe("https://yardstick.acme.test/dash/?week=2026-W47");
    expect(links.groupWeek("team", "payments", "2026-W47", { ai: true })).toBe(
      "https://yardstick.acme.test/dash/groups/team/payments/weeks/2026-W47?ai=true",
    );
    expect(dashboardLinks("http://127.0.0.1:8080").status()).toBe("http://127.0.0.1:8080/status");
    // A base with a query or fragment: dropped, not glued to every link.
    expect(dashboardLinks("https://x.test/?a=1#top").adoption("team")).toBe("https://x.test/adoption?group=team");
    expect(() => dashboardLinks("ftp://x.test/")).toThrow(/http/);
    expect(() => dashboardLinks("/relative")).toThrow();
  });
});

describe("the digest links to the dashboard when a base URL is configured", () => {
  const doc = sampleOutput();
  const digest = buildDigest(doc, { week: "2026-W47", generatedAt, dashboardUrl: BASE });

  it("links the week, every team's week with its AI-assisted changes, adoption, guardrails and status, all absolute", () => {
    expect(digest.dashboard).toEqual({
      overview: `${BASE}?week=2026-W47`,
      adoption: `${BASE}adoption?group=team&week=2026-W47`,
      guardrails: `${BASE}guardrails?group=team&week=2026-W47`,
      status: `${BASE}status`,
      teams: {
        [HOSTILE]: `${BASE}groups/team/${encodeURIComponent(HOSTILE)}/weeks/2026-W47?qualifying=true&ai=true`,
        payments: `${BASE}groups/team/payments/weeks/2026-W47?qualifying=true&ai=true`,
        tiny: `${BASE}groups/team/tiny/weeks/2026-W47?qualifying=true&ai=true`,
        other: `${BASE}groups/team/other/weeks/2026-W47?qualifying=true&ai=true`,
      },
    });
  });

  it("shows each link in every channel, absolute, and no name can break out of one", () => {
    const html = renderDigestHtml(digest);
    const dashboard = hrefs(html).filter((h) => h.startsWith(BASE));
    expect(dashboard).toEqual(
      expect.arrayContaining([
        digest.dashboard?.overview,
        digest.dashboard?.adoption,
        digest.dashboard?.guardrails,
        digest.dashboard?.status,
        ...Object.values(digest.dashboard?.teams ?? {}),
      ]),
    );
    for (const h of hrefs(html)) expect(() => new URL(h)).not.toThrow();
    expect(html).not.toContain("<script>");

    const markdown = renderDigestMarkdown(digest);
    const mdLinks = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
    expect(mdLinks).toContain(`${BASE}?week=2026-W47`);
    expect(mdLinks).toContain(`${BASE}groups/team/payments/weeks/2026-W47?qualifying=true&ai=true`);
    // The hostile name's link is one destination (parentheses escaped), absolute.
    expect(mdLinks.filter((l) => l.includes("%3Cscript%3E"))).toHaveLength(1);
    for (const l of mdLinks) expect(new URL(l).origin).toBe("https://yardstick.acme.test");

    const text = renderDigestText(digest);
    expect(text).toContain(`In the dashboard: ${BASE}?week=2026-W47`);
    expect(text).toContain(`payments: `);
    expect(text).toContain(`(${BASE}groups/team/payments/weeks/2026-W47?qualifying=true&ai=true)`);

    const slack = JSON.stringify(renderDigestSlack(digest));
    expect(slack).toContain(`<${BASE}status|Data status in the dashboard>`);
    expect(slack).toContain(`<${BASE}groups/team/payments/weeks/2026-W47?qualifying=true&amp;ai=true|payments>`);
  });

  it("has no dashboard links without a base URL", () => {
    const plain = buildDigest(doc, { week: "2026-W47", generatedAt });
    expect(plain.dashboard).toBeNull();
    expect(renderDigestHtml(plain)).not.toMatch(/dashboard/i);
    expect(renderDigestMarkdown(plain)).not.toMatch(/dashboard/i);
    expect(renderDigestText(plain)).not.toMatch(/dashboard/i);
  });
});

describe("the static report links to the dashboard when a base URL is configured", () => {
  const doc = sampleOutput();
  const options = { title: "Report", generatedAt, dashboardUrl: BASE };

  it("links the report week, each group's week, adoption, guardrails and status, all absolute", () => {
    const html = renderReportHtml(doc, options);
    const links = hrefs(html).filter((h) => !h.startsWith("#"));
    for (const h of links) expect(h.startsWith(BASE), h).toBe(true);
    expect(links).toEqual(
      expect.arrayContaining([
        `${BASE}?week=2026-W47`,
        `${BASE}adoption?group=team&week=2026-W47`,
        `${BASE}guardrails?group=team&week=2026-W47`,
        `${BASE}status`,
        `${BASE}groups/org/acme/weeks/2026-W47?qualifying=true`,
        `${BASE}groups/team/payments/weeks/2026-W47?qualifying=true`,
        `${BASE}groups/team/${encodeURIComponent(HOSTILE)}/weeks/2026-W47?qualifying=true`,
        `${BASE}groups/repo/acme%2Fapi/weeks/2026-W47?qualifying=true`,
      ]),
    );
    expect(html).not.toContain("<script>");
    expect(renderReportMarkdown(doc, options)).toContain(`(${BASE}?week=2026-W47)`);
  });

  it("links nowhere outside the document without a base URL", () => {
    const html = renderReportHtml(doc, { title: "Report", generatedAt });
    expect(hrefs(html).filter((h) => !h.startsWith("#"))).toEqual([]);
    expect(renderReportMarkdown(doc, { title: "Report", generatedAt })).not.toMatch(/dashboard/i);
  });
});
