import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { jobs, waitListKey } from "@yardstick/pipeline";
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";

/**
 * The Kustomize base in infra/k8s, rendered with `kubectl kustomize` (kustomize built into kubectl)
 * and every object validated offline against the Kubernetes API's OpenAPI schemas (and KEDA's CRD
 * schema) by the `kubernetes-models` packages; then the wiring the schemas cannot see.
 */
const base = fileURLToPath(new URL("../infra/k8s", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: a manifest is untyped YAML until its model validates it.
type Manifest = any;

/** The model class of each kind the base may contain: anything else is an error. */
const MODELS: Record<string, new (data: Manifest) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

/** The rendered base, or (no kubectl here) its resource files as they are, without the generated ConfigMap. */
function render(): { objects: Manifest[]; rendered: boolean } {
  const docs = (text: string) =>
    parseAllDocuments(text)
      .map((d) => d.toJS() as Manifest)
      .filter((o) => o !== null);
  if (kubectl) {
    const run = spawnSync("kubectl", ["kustomize", base], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`kubectl kustomize failed:\n${run.stderr}`);
    return { objects: docs(run.stdout), rendered: true };
  }
  const kustomization = parse(readFileSync(join(base, "kustomization.yaml"), "utf8")) as { resources: string[] };
  return {
    objects: kustomization.resources.flatMap((file) => docs(readFileSync(join(base, file), "utf8"))),
    rendered: false,
  };
}

describe("infra/k8s (Kustomize base)", () => {
  const { objects, rendered } = render();
  const find = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata?.name === name) as Manifest;
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const podSpecs = [
    ...deployments.map((d) => ({ name: d.metadata.name as string, spec: d.spec.template.spec })),
    ...objects
      .filter((o) => o.kind === "Job")
      .map((j) => ({ name: j.metadata.name as string, spec: j.spec.template.spec })),
  ];
  const containers = podSpecs.flatMap((p) =>
    (p.spec.containers as Manifest[]).map((c) => ({ pod: p.name, spec: p.spec, c })),
  );

  it("renders with kubectl kustomize (required in CI)", () => {
    if (process.env.CI !== undefined) expect(kubectl, "kubectl is needed to render the base in CI").toBe(true);
    if (kubectl) expect(rendered).toBe(true);
  });

  it("validates every object against the Kubernetes (and KEDA) schemas", () => {
    const kinds = objects.map((o) => `${o.apiVersion}/${o.kind}`);
    for (const expected of [
      "apps/v1/Deployment",
      "batch/v1/Job",
      "v1/Service",
      "v1/Secret",
      "policy/v1/PodDisruptionBudget",
      "keda.sh/v1alpha1/ScaledObject",
    ])
      expect(kinds).toContain(expected);
    if (rendered) expect(kinds).toContain("v1/ConfigMap");
    const problems: string[] = [];
    for (const object of objects) {
      const key = `${object.apiVersion}/${object.kind}`;
      const Model = MODELS[key];
      if (Model === undefined) {
        problems.push(`${key} ${object.metadata?.name}: no schema known to this test`);
        continue;
      }
      try {
        new Model(object).validate();
      } catch (error) {
        problems.push(`${key} ${object.metadata?.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has the API and worker Deployments, the API Service, the migration Job, PDBs and the worker's ScaledObject", () => {
    expect(find("Deployment", "yardstick-api")).toBeDefined();
    expect(find("Deployment", "yardstick-worker")).toBeDefined();
    expect(find("Service", "yardstick-api")).toBeDefined();
    expect(find("Job", "yardstick-migrate").spec.template.spec.containers[0].command).toEqual(["yardstick", "migrate"]);
    expect(objects.filter((o) => o.kind === "PodDisruptionBudget").length).toBe(2);
    expect(find("ScaledObject", "yardstick-worker")).toBeDefined();
  });

  it("probes the health endpoints on a declared port, and Prometheus scrapes that port's /metrics", () => {
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0];
      const ports = new Map<string, number>(
        (container.ports as Manifest[]).map((p) => [p.name as string, p.containerPort as number]),
      );
      expect(container.livenessProbe.httpGet.path, d.metadata.name).toBe("/healthz");
      expect(container.startupProbe.httpGet.path, d.metadata.name).toBe("/healthz");
      expect(container.readinessProbe.httpGet.path, d.metadata.name).toBe("/readyz");
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
        expect(ports.has(probe.httpGet.port), `${d.metadata.name}: probe port ${probe.httpGet.port}`).toBe(true);
      const annotations = d.spec.template.metadata.annotations;
      expect(annotations["prometheus.io/path"]).toBe("/metrics");
      expect([...ports.values()]).toContain(Number(annotations["prometheus.io/port"]));
    }
    // The worker's listener is the port its command names; serve listens on its declared port, on all interfaces.
    const worker = find("Deployment", "yardstick-worker").spec.template.spec.containers[0];
    const args = worker.command as string[];
    expect(Number(args[args.indexOf("--health-port") + 1])).toBe(worker.ports[0].containerPort);
    const api = find("Deployment", "yardstick-api").spec.template.spec.containers[0];
    const apiArgs = api.command as string[];
    expect(Number(apiArgs[apiArgs.indexOf("--port") + 1])).toBe(api.ports[0].containerPort);
    expect(apiArgs[apiArgs.indexOf("--host") + 1]).toBe("0.0.0.0");
    // The worker has time to drain: its grace period exceeds --shutdown-timeout.
    const grace = find("Deployment", "yardstick-worker").spec.template.spec.terminationGracePeriodSeconds;
    expect(Number(args[args.indexOf("--shutdown-timeout") + 1])).toBeLessThan(grace);
  });

  it("selects its own pods: Service, PDBs and the ScaledObject point at the Deployments", () => {
    const labelsOf = (name: string) => find("Deployment", name).spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(find("Service", "yardstick-api").spec.selector, labelsOf("yardstick-api"))).toBe(true);
    const apiPorts = find("Deployment", "yardstick-api").spec.template.spec.containers[0].ports.map(
      (p: Manifest) => p.name,
    );
    expect(apiPorts).toContain(find("Service", "yardstick-api").spec.ports[0].targetPort);
    for (const d of deployments) expect(matches(d.spec.selector.matchLabels, labelsOf(d.metadata.name))).toBe(true);
    for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget"))
      expect(
        deployments.some((d) => matches(pdb.spec.selector.matchLabels, labelsOf(d.metadata.name))),
        pdb.metadata.name,
      ).toBe(true);
    expect(find("ScaledObject", "yardstick-worker").spec.scaleTargetRef.name).toBe("yardstick-worker");
  });

  it("scales the workers on BullMQ wait lists of the catalog's queues, keeping at least one worker", () => {
    const scaled = find("ScaledObject", "yardstick-worker");
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const queues = new Set(Object.values(jobs).map((spec) => spec.queue));
    const lists = (scaled.spec.triggers as Manifest[]).map((t) => {
      expect(t.type).toBe("redis");
      return t.metadata.listName as string;
    });
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect([...queues].map((q) => waitListKey("yardstick", q))).toContain(list);
    // The scaler reads the address from the worker's environment, which the Secret provides.
    const secret = find("Secret", "yardstick-secrets");
    for (const t of scaled.spec.triggers as Manifest[])
      expect(Object.keys(secret.stringData)).toContain(t.metadata.addressFromEnv);
  });

  it("wires the configuration and the secrets into every pod", () => {
    const secret = find("Secret", "yardstick-secrets");
    const keys = Object.keys(secret.stringData);
    for (const key of ["DATABASE_URL", "REDIS_URL", "GITHUB_TOKEN"]) expect(keys).toContain(key);
    const configMaps = objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name as string);
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      const container = spec.containers[0];
      expect(container.envFrom[0].secretRef.name).toBe("yardstick-secrets");
      const config = container.env.find((e: Manifest) => e.name === "YARDSTICK_CONFIG").value as string;
      const mount = container.volumeMounts.find((m: Manifest) => config.startsWith(`${m.mountPath}/`));
      expect(mount, `${d.metadata.name}: YARDSTICK_CONFIG is on a mounted volume`).toBeDefined();
      const volume = spec.volumes.find((v: Manifest) => v.name === mount.name);
      // Rendered, the generated ConfigMap's name carries its content hash, and the Deployments follow it.
      if (rendered) expect(configMaps).toContain(volume.configMap.name);
      else expect(volume.configMap.name).toBe("yardstick-config");
    }
    for (const { pod, c } of containers) {
      for (const e of (c.env ?? []) as Manifest[]) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref !== undefined) expect(keys, `${pod}: ${ref.key}`).toContain(ref.key);
      }
    }
  });

  it("runs every container as non-root with a read-only root filesystem, a writable /tmp, and resource requests", () => {
    for (const { pod, spec, c } of containers) {
      expect(spec.securityContext.runAsNonRoot, pod).toBe(true);
      expect(c.securityContext.readOnlyRootFilesystem, pod).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation, pod).toBe(false);
      expect(c.securityContext.capabilities.drop, pod).toEqual(["ALL"]);
      expect(
        c.volumeMounts.map((m: Manifest) => m.mountPath),
        pod,
      ).toContain("/tmp");
      expect(c.resources.requests.cpu, pod).toBeDefined();
      expect(c.resources.requests.memory, pod).toBeDefined();
      expect(c.resources.limits.memory, pod).toBeDefined();
      expect(c.image, pod).toMatch(/^yardstick(:|$)/);
    }
  });
});
