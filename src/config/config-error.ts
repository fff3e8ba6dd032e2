/** A config file (or flag, or environment variable) that cannot be used; one line per problem. */
export class ConfigError extends Error {
  readonly code = "INVALID_CONFIG";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}
