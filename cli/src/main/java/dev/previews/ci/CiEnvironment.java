package dev.previews.ci;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which branch and commit to deploy: the flags, else what the CI system running the build says in
 * its environment. Pure functions of the flags and the environment.
 */
public final class CiEnvironment {
    private CiEnvironment() {}

    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{7,40}$");

    /** A CI system and the variables it names the branch and commit with, in the order they are tried. */
    public record Provider(String name, List<String> branchVariables, String commitVariable, String marker) {
        /** Whether the environment looks like this CI: its marker is set, or a branch variable and the commit variable. */
        boolean detected(Terminal env) {
            return env.get(marker) != null
                    || (branch(env).isPresent() && commit(env).isPresent());
        }

        Optional<String> branch(Terminal env) {
            return branchVariables.stream().map(env::get).filter(v -> v != null).findFirst();
        }

        Optional<String> commit(Terminal env) {
            return Optional.ofNullable(env.get(commitVariable));
        }

        String variables() {
            return String.join(" or ", branchVariables) + ", " + commitVariable;
        }
    }

    /**
     * In the order they are tried. GitHub: GITHUB_HEAD_REF is the pull request's branch (empty on a
     * push), else GITHUB_REF_NAME. Each CI also sets a marker variable (VERCEL, NETLIFY,
     * GITHUB_ACTIONS, GITLAB_CI), so that a missing variable can be named in the error.
     */
    public static final List<Provider> PROVIDERS = List.of(
            new Provider("Vercel", List.of("VERCEL_GIT_COMMIT_REF"), "VERCEL_GIT_COMMIT_SHA", "VERCEL"),
            new Provider("Netlify", List.of("HEAD"), "COMMIT_REF", "NETLIFY"),
            new Provider(
                    "GitHub Actions", List.of("GITHUB_HEAD_REF", "GITHUB_REF_NAME"), "GITHUB_SHA", "GITHUB_ACTIONS"),
            new Provider("GitLab CI", List.of("CI_COMMIT_REF_NAME"), "CI_COMMIT_SHA", "GITLAB_CI"));

    /** The branch and commit to deploy, and where they came from (for the progress line). */
    public record Source(String branch, String commit, String origin) {}

    /** The origin of a branch and commit taken from a template file. */
    public static final String TEMPLATE = "the template";

    public static Source resolve(String branchFlag, String commitFlag, Terminal env) {
        return resolve(branchFlag, commitFlag, env, null, null);
    }

    /**
     * The branch and commit: each from its flag when given, else from the first CI whose variables are
     * set, else (both together) from a template's spec. Fails with exit code 2 and a message naming the
     * variables when either cannot be found.
     */
    public static Source resolve(
            String branchFlag, String commitFlag, Terminal env, String templateBranch, String templateCommit) {
        Optional<Provider> ci = detect(env);
        String branch = blankToNull(branchFlag);
        String commit = blankToNull(commitFlag);
        String origin = "--branch and --commit";
        if (ci.isPresent() && (branch == null || commit == null)) {
            origin = (branch != null ? "--branch and " : commit != null ? "--commit and " : "")
                    + ci.get().name();
            if (branch == null) branch = ci.get().branch(env).orElse(null);
            if (commit == null) commit = ci.get().commit(env).orElse(null);
        }
        if (branch == null
                && commit == null
                && blankToNull(templateBranch) != null
                && blankToNull(templateCommit) != null) {
            branch = templateBranch;
            commit = templateCommit;
            origin = TEMPLATE;
        }
        if (branch == null || commit == null) {
            String missing =
                    branch == null && commit == null ? "branch and commit" : branch == null ? "branch" : "commit";
            throw CliFailure.invalid("cannot tell which " + missing + " to deploy"
                    + ci.map(p -> " (this looks like " + p.name() + ", but " + p.variables() + " are not all set)")
                            .orElse("")
                    + ".\n" + howToName(branch == null ? "--branch" : null, commit == null ? "--commit" : null));
        }
        return new Source(normalizeBranch(branch), normalizeCommit(commit), origin);
    }

    /** The branch alone (for status and delete, which need no commit); null when none is known. */
    public static String branch(String branchFlag, Terminal env) {
        if (blankToNull(branchFlag) != null) return normalizeBranch(branchFlag);
        return detect(env)
                .flatMap(p -> p.branch(env))
                .map(CiEnvironment::normalizeBranch)
                .orElse(null);
    }

    public static Optional<Provider> detect(Terminal env) {
        return PROVIDERS.stream().filter(p -> p.detected(env)).findFirst();
    }

    /** The help text naming the flags and every CI variable that is read. */
    public static String howToName(String branchFlag, String commitFlag) {
        StringBuilder sb = new StringBuilder("Pass ");
        if (branchFlag != null && commitFlag != null)
            sb.append(branchFlag).append(" and ").append(commitFlag);
        else sb.append(branchFlag != null ? branchFlag : commitFlag);
        sb.append(", or run in a CI that sets them:");
        for (Provider p : PROVIDERS) {
            sb.append(String.format("%n  %-15s %s", p.name(), p.variables()));
        }
        return sb.toString();
    }

    /** refs/heads/main and main name the same branch. */
    public static String normalizeBranch(String branch) {
        String b = branch.trim();
        if (b.startsWith("refs/heads/")) b = b.substring("refs/heads/".length());
        if (b.isEmpty() || b.length() > 255) {
            throw CliFailure.invalid("branch '" + branch + "' must have 1 to 255 characters");
        }
        return b;
    }

    /** Git prints SHAs in lower case; accept upper case too, refuse anything that is not one. */
    public static String normalizeCommit(String commit) {
        String c = commit.trim().toLowerCase(Locale.ROOT);
        if (!COMMIT.matcher(c).matches()) {
            throw CliFailure.invalid("commit '" + commit + "' is not a git commit SHA (7 to 40 hex characters)");
        }
        return c;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
