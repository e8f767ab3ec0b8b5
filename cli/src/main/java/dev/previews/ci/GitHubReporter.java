package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentStatus;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What --github tells GitHub about a deploy (a Deployment with its statuses, the pull request's
 * comment) or about deletions (the Deployments marked inactive). A failed request is a warning line;
 * with --github-required it ends the command with exit 1, except while a failed deploy is reported
 * (that deploy keeps its own exit code). Without --github every method does nothing.
 */
final class GitHubReporter {
    @FunctionalInterface
    private interface Call {
        void run() throws GitHubException;
    }

    private final boolean required;
    private final Consumer<String> say;
    private final Clock clock;
    private final GitHubContext context;
    private final GitHubDeployments deployments;
    private final GitHubApi api;
    private String name;
    private String namespace;
    private String previewCommit;
    private Long deploymentId;
    private StickyComment comment;

    private GitHubReporter(boolean required, Consumer<String> say, Clock clock, GitHubContext context, GitHubApi api) {
        this.required = required;
        this.say = say;
        this.clock = clock;
        this.context = context;
        this.api = api;
        this.deployments = api == null ? null : new GitHubDeployments(api, context.owner(), context.repo());
    }

    /**
     * The reporter the options ask for. With --github but without the repository or the token it
     * warns and reports nothing; with --github-required that is invalid input (exit 2).
     */
    static GitHubReporter create(GitHubOptions options, Terminal terminal, String commitFlag, Consumer<String> say) {
        if (!options.enabled()) return new GitHubReporter(false, say, terminal.clock(), null, null);
        GitHubContext context = GitHubContext.from(terminal, commitFlag);
        if (!context.usable()) {
            String problem = String.join("; ", context.problems());
            if (options.required) throw CliFailure.invalid("--github-required: " + problem);
            say.accept("warning: --github: " + problem + "; not reporting to GitHub");
            return new GitHubReporter(false, say, terminal.clock(), null, null);
        }
        GitHubApi api = new GitHubApi(context.apiUrl(), context.token(), userAgent());
        return new GitHubReporter(options.required, say, terminal.clock(), context, api);
    }

    boolean enabled() {
        return api != null;
    }

    // ---- deploy ----------------------------------------------------------------------------------

    /** A Deployment for the commit in the environment preview/<branch>, in progress. */
    void deployStarted(String branch, String name, String previewCommit) {
        if (!enabled()) return;
        this.name = name;
        this.previewCommit = previewCommit;
        if (context.commit() == null) {
            fail(
                    true,
                    "create the deployment",
                    "no commit to attach it to (--commit, the pull request's head or GITHUB_SHA)");
            return;
        }
        String environment = GitHubDeployments.environment(branch);
        attempt(true, "create the deployment", () -> {
            deploymentId = deployments.create(context.commit(), environment, "Preview " + name);
            deployments.status(
                    deploymentId,
                    "in_progress",
                    null,
                    context.runUrl(),
                    "Deploying preview " + name + " at " + PreviewNames.shortCommit(previewCommit));
            say.accept("GitHub: deployment " + deploymentId + " in environment " + environment + " is in progress");
        });
    }

    /** The pull request's comment says the preview is being deployed (once its namespace is known). */
    void deployLocated(String namespace) {
        if (!enabled() || context.pullRequest() == null) return;
        this.namespace = namespace;
        comment = new StickyComment(api, context.owner(), context.repo(), context.pullRequest(), namespace, name);
        PreviewComment view = view(PreviewComment.State.DEPLOYING, name, namespace, null, null, null, null);
        attempt(true, "comment on pull request #" + context.pullRequest(), () -> comment.upsert(view.markdown()));
    }

    void deploySucceeded(PreviewDeployment preview, String url) {
        if (!enabled()) return;
        if (deploymentId != null) {
            attempt(
                    true,
                    "set the deployment's status",
                    () -> deployments.status(deploymentId, "success", url, context.runUrl(), "Ready at " + url));
        }
        if (comment != null) {
            PreviewComment view = view(PreviewComment.State.READY, name, namespace(preview), preview, url, null, null);
            attempt(true, "update the pull request's comment", () -> comment.upsert(view.markdown()));
        }
    }

    /** The deploy failed with this exception (which the caller rethrows); url: where the backend is, when provisioned. */
    void deployFailed(Exception failure, PreviewDeployment preview, String url) {
        if (!enabled()) return;
        String summary;
        String details;
        if (failure instanceof CliFailure f) {
            summary = f.summary();
            details = f.getMessage();
        } else if (failure instanceof KubernetesClientException e) {
            summary = "the Kubernetes API failed: " + Failures.serverMessage(e);
            details = null;
        } else {
            summary = "unexpected " + failure;
            details = null;
        }
        if (deploymentId != null) {
            attempt(
                    false,
                    "set the deployment's status",
                    () -> deployments.status(deploymentId, "failure", url, context.runUrl(), summary));
        }
        if (comment != null) {
            PreviewComment view =
                    view(PreviewComment.State.FAILED, name, namespace(preview), preview, url, summary, details);
            attempt(false, "update the pull request's comment", () -> comment.upsert(view.markdown()));
        }
    }

    private String namespace(PreviewDeployment preview) {
        return preview == null ? namespace : preview.getMetadata().getNamespace();
    }

    private PreviewComment view(
            PreviewComment.State state,
            String name,
            String namespace,
            PreviewDeployment preview,
            String url,
            String problem,
            String details) {
        PreviewDeploymentStatus s = preview == null ? null : preview.getStatus();
        String ns = namespace != null
                ? namespace
                : preview == null ? "?" : preview.getMetadata().getNamespace();
        boolean inClusterOnly = url != null && (s == null || s.getExternalUrl() == null);
        return new PreviewComment(
                state,
                name,
                ns,
                url,
                inClusterOnly,
                context.commit(),
                previewCommit,
                s == null || s.getPhase() == null
                        ? (state == PreviewComment.State.DEPLOYING ? "Deploying" : null)
                        : s.getPhase().name(),
                s == null ? null : s.getExpiresAt(),
                problem,
                details,
                context.runUrl(),
                clock.instant());
    }

    // ---- delete and prune ------------------------------------------------------------------------

    /**
     * The previews are gone: every Deployment of their environments is marked inactive, and the
     * pull request's comment of a deleted preview (when this job has a pull request) says so.
     * {@code alsoBranch}: a branch asked for whose preview was not found (it may have expired).
     */
    void previewsDeleted(List<PreviewDeployment> deleted, String alsoBranch) {
        if (!enabled()) return;
        Set<String> branches = new LinkedHashSet<>();
        deleted.forEach(p -> branches.add(Deletion.branch(p)));
        if (alsoBranch != null) branches.add(alsoBranch);
        for (String b : branches) {
            String environment = GitHubDeployments.environment(b);
            attempt(true, "mark the deployments of " + environment + " inactive", () -> {
                int n = deployments.inactivate(environment, context.runUrl(), "Preview deleted");
                say.accept("GitHub: " + n + " deployment(s) in environment " + environment + " marked inactive");
            });
        }
        if (context.pullRequest() == null) return;
        for (PreviewDeployment p : deleted) {
            String deletedName = p.getMetadata().getName();
            String namespace = p.getMetadata().getNamespace();
            StickyComment c = new StickyComment(
                    api, context.owner(), context.repo(), context.pullRequest(), namespace, deletedName);
            PreviewComment view = view(PreviewComment.State.DELETED, deletedName, namespace, null, null, null, null);
            attempt(true, "update the pull request's comment", () -> c.updateIfPresent(view.markdown()));
        }
    }

    // ---- failures --------------------------------------------------------------------------------

    private void attempt(boolean mayEnd, String what, Call call) {
        try {
            call.run();
        } catch (GitHubException e) {
            fail(mayEnd, what, e.getMessage());
        }
    }

    private void fail(boolean mayEnd, String what, String why) {
        if (required && mayEnd) {
            throw CliFailure.error("GitHub: could not " + what + ": " + why + " (--github-required)");
        }
        say.accept("warning: GitHub: could not " + what + ": " + why);
    }

    static String userAgent() {
        String v = GitHubReporter.class.getPackage().getImplementationVersion();
        return "preview-operator-cli/" + (v == null ? "dev" : v);
    }
}
