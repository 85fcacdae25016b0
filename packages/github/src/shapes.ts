/**
 * The JSON GitHub returns for our queries (GraphQL) and the REST endpoints we call, typed as
 * far as the mappers read them. Field names are GitHub's.
 */

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ActorNode {
  __typename: string;
  login: string;
  databaseId?: number | null;
}

export interface GitActorNode {
  name: string | null;
  email: string | null;
  date: string | null;
  user: { login: string; databaseId: number | null } | null;
}

export interface CommitNode {
  oid: string;
  message: string;
  authoredDate: string;
  committedDate: string;
  additions: number | null;
  deletions: number | null;
  author: GitActorNode | null;
  committer: GitActorNode | null;
}

export interface MergeCommitNode extends CommitNode {
  /** Only selected with the PR details (MERGED_PULL_REQUESTS_FULL_QUERY or the details query). */
  parents?: { totalCount: number; nodes: { oid: string }[] };
}

/** The PullRequestDetails fragment: absent from the lean bulk query. */
export interface PullRequestDetailsNode {
  number: number;
  assignees: { nodes: { login: string }[] };
  reviewRequests: {
    nodes: { requestedReviewer: { __typename: string; login?: string; slug?: string } | null }[];
  } | null;
  reviews: { nodes: { author: { __typename?: string; login: string } | null }[] } | null;
  mergeCommit: { oid: string; parents: { totalCount: number; nodes: { oid: string }[] } } | null;
}

export interface FileNode {
  path: string;
  additions: number;
  deletions: number;
  changeType: "ADDED" | "CHANGED" | "COPIED" | "DELETED" | "MODIFIED" | "RENAMED";
}

export interface CommitConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: { commit: CommitNode }[];
}

export interface FileConnection {
  totalCount: number;
  pageInfo: PageInfo;
  nodes: FileNode[] | null;
}

export interface PullRequestNode {
  id?: string;
  number: number;
  title: string;
  body: string;
  url: string;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  headRefName: string;
  baseRefName: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  author: ActorNode | null;
  mergedBy: ActorNode | null;
  mergeCommit: MergeCommitNode | null;
  labels: { nodes: { name: string }[] } | null;
  /** The detail connections: present with the full query or after a details query, else undefined. */
  assignees?: PullRequestDetailsNode["assignees"];
  reviewRequests?: PullRequestDetailsNode["reviewRequests"];
  reviews?: PullRequestDetailsNode["reviews"];
  commits: CommitConnection;
  files: FileConnection | null;
}

export interface DeploymentStatusNode {
  state: string;
  createdAt: string;
  description: string | null;
}

export interface DeploymentNode {
  databaseId: number | null;
  environment: string | null;
  commitOid: string;
  ref: { name: string } | null;
  task: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  creator: { login: string } | null;
  latestStatus: DeploymentStatusNode | null;
  statuses: { totalCount: number; nodes: DeploymentStatusNode[] } | null;
}

export interface ReleaseNode {
  databaseId: number | null;
  name: string | null;
  tagName: string;
  isDraft: boolean;
  isPrerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  url: string;
  author: { login: string } | null;
  tagCommit: { oid: string } | null;
}

export interface TagTargetNode {
  __typename: string;
  oid: string;
  committedDate?: string;
  tagger?: { date: string | null } | null;
  target?: TagTargetNode;
}

export interface RefNode {
  name: string;
  target: TagTargetNode | null;
}

export interface HistoryCommitNode extends CommitNode {
  parents: { nodes: { oid: string }[] };
}

/** REST `GET /repos/{owner}/{repo}/actions/runs` item (the fields we read). */
export interface RestWorkflowRun {
  id: number;
  name?: string | null;
  path: string;
  head_branch: string | null;
  head_sha: string;
  event: string;
  status: string | null;
  conclusion: string | null;
  workflow_id: number;
  run_number: number;
  run_attempt?: number;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
  actor?: { login: string; type?: string } | null;
  triggering_actor?: { login: string } | null;
  html_url: string;
}

/** REST commit (compare, list commits). */
export interface RestCommit {
  sha: string;
  commit: {
    message: string;
    author: { name?: string; email?: string; date?: string } | null;
    committer: { name?: string; email?: string; date?: string } | null;
  };
  author: { login: string; id: number; type: string } | null;
  committer: { login: string; id: number; type: string } | null;
  parents: { sha: string }[];
  stats?: { additions: number; deletions: number };
}
