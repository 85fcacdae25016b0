import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from "graphql";

/**
 * GitHub's resource limits, checked before execution as github.com does:
 * - every connection needs `first` or `last`, within 1..100;
 * - at most 500,000 nodes (sum over connections of the product of `first`s down to it);
 * - cost = (sum over connections of the requests needed to fill it, i.e. the product of its
 *   parents' `first`s) / 100, rounded, at least 1.
 * See https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api
 */
export interface QueryAnalysis {
  errors: GraphQLError[];
  /** Errors in GitHub's JSON shape (with `type`), for the response body. */
  githubErrors: Record<string, unknown>[];
  nodeCount: number;
  cost: number;
  requests: number;
}

export const MAX_NODES = 500_000;
export const MAX_PAGE = 100;

function isConnectionField(type: GraphQLNamedType, argNames: readonly string[]): boolean {
  return type.name.endsWith("Connection") && argNames.includes("first") && argNames.includes("last");
}

export function analyzeQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): QueryAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const githubErrors: Record<string, unknown>[] = [];
  let nodeCount = 0;
  let requests = 0;
  let nodeLimitReported = false;

  const argValue = (field: FieldNode, name: string): unknown => {
    const a = field.arguments?.find((x) => x.name.value === name);
    if (!a) return undefined;
    return valueFromASTUntyped(a.value, variables);
  };

  const walk = (
    parent: GraphQLNamedType,
    set: SelectionSetNode,
    multiplier: number,
    path: string[],
    seen: Set<string>,
  ): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent;
        walk(t, sel.selectionSet, multiplier, path, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (!f || seen.has(f.name.value)) continue;
        const t = schema.getType(f.typeCondition.name.value) ?? parent;
        walk(t, f.selectionSet, multiplier, path, new Set([...seen, f.name.value]));
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const def = parent.getFields()[sel.name.value];
      if (!def) continue; // reported by validation
      const named = getNamedType(def.type);
      const fieldPath = [...path, sel.alias?.value ?? sel.name.value];
      let childMultiplier = multiplier;
      if (
        isConnectionField(
          named,
          def.args.map((a) => a.name),
        )
      ) {
        const first = argValue(sel, "first");
        const last = argValue(sel, "last");
        const n = typeof first === "number" ? first : typeof last === "number" ? last : undefined;
        const name = sel.name.value;
        if (n === undefined) {
          githubErrors.push({
            type: "MISSING_PAGINATION_BOUNDARIES",
            path: fieldPath,
            locations: sel.loc ? [{ line: sel.loc.startToken.line, column: sel.loc.startToken.column }] : [],
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
          });
          continue;
        }
        const which = typeof first === "number" ? "first" : "last";
        if (n > MAX_PAGE || n < 0) {
          githubErrors.push({
            type: "EXCESSIVE_PAGINATION",
            path: fieldPath,
            locations: sel.loc ? [{ line: sel.loc.startToken.line, column: sel.loc.startToken.column }] : [],
            message:
              n < 0
                ? `\`${which}\` on the \`${name}\` connection cannot be less than zero.`
                : `Requesting ${n} records on the \`${name}\` connection exceeds the \`${which}\` limit of ${MAX_PAGE} records.`,
          });
          continue;
        }
        requests += multiplier;
        childMultiplier = multiplier * n;
        nodeCount += childMultiplier;
        if (nodeCount > MAX_NODES && !nodeLimitReported) {
          nodeLimitReported = true;
          githubErrors.push({
            type: "MAX_NODE_LIMIT_EXCEEDED",
            path: ["query"],
            locations: sel.loc ? [{ line: sel.loc.startToken.line, column: sel.loc.startToken.column }] : [],
            message: `By the time this query traverses to the ${name} connection, it is requesting up to ${nodeCount.toLocaleString("en-US")} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString("en-US")}.`,
          });
        }
      }
      if (sel.selectionSet) walk(named, sel.selectionSet, childMultiplier, fieldPath, seen);
    }
  };

  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (root) walk(root, operation.selectionSet, 1, [operation.operation], new Set());
  const cost = Math.max(1, Math.round(requests / 100));
  const errors = githubErrors.map((e) => new GraphQLError(String(e.message)));
  return { errors, githubErrors, nodeCount, cost, requests };
}

/** graphql-js validation messages rewritten the way github.com (graphql-ruby) words them. */
export function githubValidationError(e: GraphQLError): Record<string, unknown> {
  const locations = e.locations?.map((l) => ({ line: l.line, column: l.column })) ?? [];
  const undefinedField = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(e.message);
  if (undefinedField) {
    const [, fieldName, typeName] = undefinedField;
    return {
      extensions: { code: "undefinedField", typeName, fieldName },
      locations,
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
    };
  }
  const unknownArg = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(e.message);
  if (unknownArg) {
    const [, argumentName, typeName, fieldName] = unknownArg;
    return {
      extensions: { code: "argumentNotAccepted", name: fieldName, typeName: "Field", argumentName },
      locations,
      message: `Field '${fieldName}' doesn't accept argument '${argumentName}'`,
      ...(typeName ? {} : {}),
    };
  }
  return { locations, message: e.message };
}
