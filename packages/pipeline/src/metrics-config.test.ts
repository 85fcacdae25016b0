import { parseConfigText } from "@yardstick/config";
import { MetricsConfig } from "@yardstick/metrics";
import { describe, expect, it } from "vitest";
import { metricsConfigOf } from "./metrics-input.js";

const parse = (text: string) => parseConfigText(text, { format: "yaml", source: "test.yaml", env: {} }).config;

describe("the figure-shaping settings are declared once", () => {
  it("a configuration file's thresholds and adoption reach the metrics as written, every key", () => {
    const config = parse(
      [
        "github:",
        "  organizations: [{ name: acme }]",
        "thresholds:",
        "  weeklyCap: 7",
        "  selfMergeMinChanges: 3",
        "  spikeMultiplier: 2.5",
        "  trivialShare: 60%",
        "  backfillDays: 30",
        "adoption:",
        "  target: 70%",
        '  perGroup: { "team:payments": 0.5 }',
      ].join("\n"),
    );
    const metrics = metricsConfigOf(config);
    // The metrics package's own parse of the same settings gives the same configuration: no key is
    // dropped, renamed or defaulted differently on the way.
    const { backfillDays: _sync, ...thresholds } = config.thresholds;
    expect(metrics).toEqual(
      MetricsConfig.parse({
        timeZone: "UTC",
        orgName: "acme",
        thresholds,
        adoption: { target: 0.7, perGroup: { "team:payments": 0.5 } },
        attribution: { threshold: "high" },
      }),
    );
    expect(metrics.thresholds).toMatchObject({
      weeklyCap: 7,
      selfMergeMinChanges: 3,
      spikeMultiplier: 2.5,
      trivialShare: 0.6,
    });
    expect(Object.keys(metrics.thresholds).sort()).toEqual(Object.keys(MetricsConfig.parse({}).thresholds).sort());
  });

  it("defaults agree: an empty configuration gives the metrics package's defaults", () => {
    const metrics = metricsConfigOf(parse("{}"));
    expect({ ...metrics, orgName: "org" }).toEqual(MetricsConfig.parse({}));
  });
});
