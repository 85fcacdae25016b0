/** The organisation the starter file names until it is edited (`config check` warns about it). */
export const PLACEHOLDER_ORG = "my-org";

/**
 * The commented starter file `yardstick init` writes. It validates as it stands (a test holds
 * that); every value shown is the default unless the comment says otherwise.
 */
export const STARTER_CONFIG = `# Yardstick configuration. Reference: docs/configuration.md
# Secrets are never written here: use \${ENV_NAME} and set the variable in the environment.
# Check this file with: yardstick config check
version: 1

github:
  # The organisations to read. Patterns match repository names (without the owner).
  organizations:
    - name: ${PLACEHOLDER_ORG} # <- your GitHub organisation
      repositories:
        include: ["*"]
        exclude: []
  # Extra repositories by full name, e.g. from another organisation.
  repositories: []
  # GitHub Enterprise Server: https://HOST/api/v3 (the GITHUB_API_URL variable overrides this).
  apiUrl: https://api.github.com

# The branch whose merged pull requests count: "default" is each repository's default branch.
trackedBranch: default
# Count commits pushed straight to the tracked branch (no pull request) as changes.
directPushes: false

# How production deployments are detected (one method):
#   { method: deployments, environment: '^prod(uction)?\\b' }      GitHub Deployments, environment regex (case-insensitive)
#   { method: releases }                                       published, non-draft, non-prerelease releases
#   { method: tags, pattern: '^v\\d+\\.\\d+\\.\\d+$' }              tags matching a regex (case-sensitive)
#   { method: workflow, workflow: deploy.yml }                 successful runs of a deploy workflow
#   { method: merge }                                          merging is deploying
deployment:
  method: deployments
  environment: '^prod(uction)?\\b'

# Per-repository overrides; "match" is a glob on owner/name; later entries win.
repositories: []
#  - match: "my-org/website"
#    deployment: { method: merge }
#  - match: "my-org/mono*"
#    trackedBranch: trunk
#    directPushes: true

# Teams from GitHub teams, or from a file mapping team slugs to logins.
teams:
  source: github
  # file: ./teams.yaml
  # include: [payments, platform]

# Who the reports are about: organisation members, team members, or a file listing logins.
roster:
  source: org
  # file: ./roster.yaml

# Weeks start on Monday 00:00 in this IANA time zone.
timeZone: UTC

# Weekly AI adoption target: share of active engineers shipping AI-assisted work (0..1 or "80%").
adoption:
  target: 0.8
  perGroup: {}
  #  "team:payments": 0.6
  #  "repo:my-org/legacy": 50%   # repositories have no target unless given one here
  basis: week   # judge the target on the week's adoption (week) or the 4-week one (rolling4w)
  basisPerGroup: {}
  #  "team:mobile": rolling4w

thresholds:
  trivialMaxLines: 5 # changes this small do not qualify
  # trivialIgnore: files that never count towards a change's size (default: lock files, generated code)
  weeklyCap: 10 # most qualifying changes one person adds per week
  revertWindowDays: 14 # reverted within this many days of merge: not qualifying
  minGroupSize: 5 # groups smaller than this fold into "other"
  backfillDays: 180 # how far back the first sync reads
  activeWindowWeeks: 4 # a merged change in this many weeks makes an engineer active
  lookbackWeeks: 4 # how far back a repository's first deployment reaches

# AI attribution. See docs/attribution.md for the built-in rules.
attribution:
  threshold: high # high | medium | low
  rules: []
  disableRules: []
  automationAccounts: [] # service accounts that are not people
  reviewSuggestions: ai-assisted # ai-assisted | ignore: AI review bots' committed suggestions

# Issues with this label that name a deployment mark it failed.
incidents: {}
#  label: incident

# The weekly digest of the last complete week.
digest:
  schedule: "0 9 * * 1" # cron: Monday 09:00
  # timeZone: Europe/Berlin  (default: timeZone above)
  channels:
    - type: file
      dir: yardstick-reports/digests
    # - type: slack
    #   webhookUrl: \${SLACK_WEBHOOK_URL}
    # - type: email
    #   smtp: { host: smtp.example.com, port: 587, user: yardstick, password: "\${SMTP_PASSWORD}" }
    #   from: "Yardstick <yardstick@example.com>"
    #   to: [engineering-leads@example.com]

# Logins who may see named integrity-flag lists (everyone else sees counts per group).
admins: []

# Where people open the dashboard (\`yardstick serve\`): the digest and the report link to its pages.
# dashboardUrl: https://yardstick.example.com/

# Imported AI usage (tokens, cost): Copilot or Claude Code usage reports, CSV or JSON.
usage:
  sources: []
  #  - path: ./usage/copilot.json
  #    format: auto
`;
