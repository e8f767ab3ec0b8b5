package dev.previews.ci;

import picocli.CommandLine.Option;

/** --github and --github-required: reporting to GitHub, for deploy, delete and prune. */
final class GitHubOptions {
    @Option(
            order = 70,
            names = "--github",
            description =
                    "Report to GitHub: deploy makes a Deployment in the environment preview/<branch> (in_progress, "
                            + "then success or failure) and one pull-request comment it keeps up to date; delete and prune mark "
                            + "the Deployments inactive. Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH and "
                            + "GITHUB_API_URL (GitHub Enterprise). A failure to reach GitHub is a warning.")
    boolean github;

    @Option(
            order = 71,
            names = "--github-required",
            description = "Like --github, but a failure to report to GitHub fails the command (exit 1; a deploy that "
                    + "failed keeps its own exit code).")
    boolean required;

    boolean enabled() {
        return github || required;
    }
}
