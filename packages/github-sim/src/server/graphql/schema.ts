import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildSchema, type GraphQLSchema } from "graphql";

let cached: GraphQLSchema | null = null;

/**
 * GitHub's public GraphQL schema (from `@octokit/graphql-schema`, the SDL GitHub publishes),
 * built once per process (about 0.3 s). `assumeValidSDL` skips re-validating GitHub's own SDL.
 */
export function githubGraphqlSchema(): GraphQLSchema {
  if (!cached) cached = buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return cached;
}
