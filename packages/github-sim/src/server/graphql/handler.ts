import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLError,
  getOperationAST,
  parse,
  validate,
} from "graphql";
import { analyzeQuery, githubValidationError, type QueryAnalysis } from "./analyze.js";
import { type GraphqlContext, rootValue } from "./resolvers.js";
import { githubGraphqlSchema } from "./schema.js";

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** A request checked and costed, ready to charge and run; or an answer to send as is. */
export type Prepared =
  | { kind: "answer"; status: number; body: unknown }
  | {
      kind: "ready";
      document: DocumentNode;
      analysis: QueryAnalysis;
      variables: Record<string, unknown>;
      operationName: string | undefined;
      /** Only `rateLimit` is asked for with dryRun: nothing is charged. */
      dryRun: boolean;
    };

const parseCache = new Map<string, DocumentNode>();

/** Parses, validates against GitHub's schema and applies GitHub's connection and node limits. */
export function prepareGraphql(body: GraphqlRequest): Prepared {
  const schema = githubGraphqlSchema();
  if (typeof body.query !== "string" || body.query.trim() === "") {
    return {
      kind: "answer",
      status: 200,
      body: { errors: [{ message: "A query attribute must be specified and must be a string." }] },
    };
  }
  const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<
    string,
    unknown
  >;
  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
  let document = parseCache.get(body.query);
  if (!document) {
    try {
      document = parse(body.query);
    } catch (e) {
      const err = e as GraphQLError;
      return {
        kind: "answer",
        status: 200,
        body: { errors: [{ message: err.message, locations: err.locations ?? [] }] },
      };
    }
    const errors = validate(schema, document);
    if (errors.length > 0) {
      return { kind: "answer", status: 200, body: { errors: errors.map(githubValidationError) } };
    }
    if (parseCache.size > 500) parseCache.clear();
    parseCache.set(body.query, document);
  }
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    return { kind: "answer", status: 200, body: { errors: [{ message: "An operation name is required" }] } };
  }
  if (operation.operation !== "query") {
    return {
      kind: "answer",
      status: 200,
      body: { errors: [{ message: `This simulator serves queries only, not ${operation.operation}s.` }] },
    };
  }
  const analysis = analyzeQuery(schema, document, operation, variables);
  if (analysis.githubErrors.length > 0) {
    return { kind: "answer", status: 200, body: { errors: analysis.githubErrors } };
  }
  const onlyDryRun =
    operation.selectionSet.selections.length > 0 &&
    operation.selectionSet.selections.every(
      (s) =>
        s.kind === "Field" &&
        s.name.value === "rateLimit" &&
        s.arguments?.some((a) => a.name.value === "dryRun" && a.value.kind === "BooleanValue" && a.value.value),
    );
  return { kind: "ready", document, analysis, variables, operationName, dryRun: onlyDryRun };
}

/** Runs a prepared query; errors are shaped the way github.com returns them. */
export async function runGraphql(
  prepared: Extract<Prepared, { kind: "ready" }>,
  ctx: GraphqlContext,
): Promise<Record<string, unknown>> {
  const result = (await execute({
    schema: githubGraphqlSchema(),
    document: prepared.document,
    rootValue: rootValue(ctx),
    contextValue: ctx,
    variableValues: prepared.variables,
    operationName: prepared.operationName,
  })) as ExecutionResult;
  const out: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors && result.errors.length > 0) {
    out.errors = result.errors.map((e) => {
      const type = e.extensions?.type;
      return {
        ...(typeof type === "string" ? { type } : {}),
        path: e.path ?? [],
        locations: e.locations ?? [],
        message: e.message,
      };
    });
  }
  return out;
}

/**
 * Checks a query the way github.com would before running it: schema validation, connection
 * boundaries and the node limit. Returns GitHub-shaped errors (empty when valid) and the cost.
 * For tests of the product's own queries: `expect(validateGithubQuery(QUERY, vars).errors).toEqual([])`.
 */
export function validateGithubQuery(
  query: string,
  variables: Record<string, unknown> = {},
): { errors: Record<string, unknown>[]; cost: number | null; nodeCount: number | null } {
  const p = prepareGraphql({ query, variables });
  if (p.kind === "answer") {
    const errors = (p.body as { errors?: Record<string, unknown>[] }).errors ?? [];
    return { errors, cost: null, nodeCount: null };
  }
  return { errors: [], cost: p.analysis.cost, nodeCount: p.analysis.nodeCount };
}
