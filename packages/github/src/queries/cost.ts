import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
} from "graphql";

/**
 * GitHub's published GraphQL cost formula, for tests and estimates: every connection costs one
 * request per parent node (the product of the `first`/`last` above it); the sum over all
 * connections divided by 100, rounded, at least 1, is the point cost.
 * https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api
 */
export function queryCost(
  schema: GraphQLSchema,
  query: string,
  variables: Record<string, unknown> = {},
): { requests: number; points: number; nodes: number } {
  const document = parse(query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let requests = 0;
  let nodes = 0;
  const walk = (parent: GraphQLNamedType, set: SelectionSetNode, multiplier: number): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(type ?? parent, selection.selectionSet, multiplier);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment)
          walk(schema.getType(fragment.typeCondition.name.value) ?? parent, fragment.selectionSet, multiplier);
        continue;
      }
      if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[selection.name.value];
      if (field === undefined || selection.selectionSet === undefined) continue;
      const named = getNamedType(field.type);
      let childMultiplier = multiplier;
      if (named.name.endsWith("Connection")) {
        const size = pageSize(selection, variables);
        requests += multiplier;
        childMultiplier = multiplier * size;
        nodes += childMultiplier;
      }
      walk(named, selection.selectionSet, childMultiplier);
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getQueryType();
    if (root) walk(root, d.selectionSet, 1);
  }
  return { requests, points: Math.max(1, Math.round(requests / 100)), nodes };
}

function pageSize(field: FieldNode, variables: Record<string, unknown>): number {
  for (const name of ["first", "last"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (arg) {
      const value = valueFromASTUntyped(arg.value, variables);
      if (typeof value === "number") return value;
    }
  }
  return 0;
}
