package dev.previews.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.previews.api.PreviewDeployment;
import dev.previews.ci.DeployOptions.Backend;
import dev.previews.ci.DeployOptions.Build;
import dev.previews.ci.DeployOptions.Outputs;
import dev.previews.ci.DeployOptions.Preview;
import dev.previews.ci.DeployOptions.Seed;
import dev.previews.ci.DeployOptions.Source;
import dev.previews.ci.DeployOptions.Waiting;
import dev.previews.spec.PreviewNames;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `deploy`: claim the branch's preview backend, wait for it, hand its URL to the build. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        header = "Deploy a branch's preview backend, wait until it is Ready, print its URL.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        description = {
            "Creates or updates the PreviewDeployment of a git branch, waits until the",
            "operator has provisioned its backend, runs --cmd with the backend's URL,",
            "waits for the seed, and prints the URL on stdout. Progress and errors go to",
            "stderr. Branch and commit come from the flags, else from the CI environment:",
            "  Vercel          VERCEL_GIT_COMMIT_REF, VERCEL_GIT_COMMIT_SHA",
            "  Netlify         HEAD, COMMIT_REF",
            "  GitHub Actions  GITHUB_HEAD_REF or GITHUB_REF_NAME, GITHUB_SHA",
            "  GitLab CI       CI_COMMIT_REF_NAME, CI_COMMIT_SHA",
            "The preview is named after the branch (main -> main, feature/login ->",
            "feature-login-<hash>) unless --name is given. An existing preview is",
            "updated in place: fields deploy does not set are kept."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the preview is Ready (with --no-wait: written)",
            "1:no kubeconfig, cluster unreachable, permission denied, CRD not installed, or the preview was changed or deleted while waiting (with --github-required also: GitHub could not be told)",
            "2:invalid input: flags, branch, commit, template or spec, or the name or branch is held by another preview",
            "3:provisioning failed (ProvisionFailed, UnknownPlan, Expired, ScaledToZero)",
            "4:the seed failed; the backend stays provisioned",
            "5:deployment limit reached; the preview stays queued",
            "6:timed out (--timeout)",
            "7:the --cmd build command failed",
            "9:the operator cannot act on the preview: the API server refuses its requests (ReconcileError)"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  preview deploy --image registry.example.com/api:{{shortCommit}} \\",
            "      --seed-command 'npm run seed' --github-output",
            "  preview deploy -f preview.yaml --cmd 'npm run build' \\",
            "      --url-env-var-name NEXT_PUBLIC_API_URL",
            "  preview deploy --image registry.example.com/api:{{commit}} --github   # in a pull request's job",
            "docs/CI.md has GitHub Actions (the action.yml of this repository), GitLab CI,",
            "Vercel and Netlify set-ups."
        })
public final class DeployCommand extends CiCommand {
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    @Mixin
    Source source = new Source();

    @Mixin
    Backend backend = new Backend();

    @Mixin
    Seed seed = new Seed();

    @Mixin
    Preview preview = new Preview();

    @Mixin
    Waiting waiting = new Waiting();

    @Mixin
    Build build = new Build();

    @Mixin
    Outputs outputs = new Outputs();

    @Mixin
    GitHubOptions github = new GitHubOptions();

    /** The preview as last read or written, and its URL once provisioned: what a failure report shows. */
    private PreviewDeployment lastSeen;

    private String provisionedUrl;

    @Override
    protected int run() throws Exception {
        ObjectNode template = source.template == null
                ? PreviewManifest.empty()
                : PreviewManifest.readTemplate(source.template, new KubernetesSerialization());
        JsonNode templateSpec = template.path("spec");
        CiEnvironment.Source src = CiEnvironment.resolve(
                source.branch,
                source.commit,
                terminal,
                templateSpec.path("branch").asText(null),
                templateSpec.path("commit").asText(null));
        checkFlags();
        ObjectNode overlay = new DeployOverlay(source, backend, seed, preview, terminal, this::say).of(template, src);
        String name = overlay.path("metadata").path("name").asText();
        PreviewNames.problemWithPreviewName(name).ifPresent(p -> {
            throw CliFailure.invalid(p + "; pass --name with a valid one");
        });
        Instant start = terminal.clock().instant();
        GitHubReporter reporter = GitHubReporter.create(github, terminal, source.commit, this::say);
        reporter.deployStarted(src.branch(), name, src.commit());
        int code;
        try {
            code = deploy(overlay, src, name, start, reporter);
        } catch (Exception e) {
            reporter.deployFailed(e, lastSeen, provisionedUrl);
            throw e;
        }
        if (!waiting.noWait) reporter.deploySucceeded(lastSeen, DeployVerdict.url(lastSeen));
        return code;
    }

    private int deploy(
            ObjectNode overlay, CiEnvironment.Source src, String name, Instant start, GitHubReporter reporter)
            throws Exception {
        try (Cluster cluster = connect()) {
            PreviewStore store = new PreviewStore(cluster);
            ObjectNode meta = PreviewManifest.at(overlay, "metadata");
            if (clusterOptions.namespace != null || !meta.hasNonNull("namespace"))
                meta.put("namespace", cluster.namespace());
            String namespace = meta.path("namespace").asText();
            say("deploying branch " + src.branch() + " at commit " + PreviewNames.shortCommit(src.commit())
                    + " as preview " + name + " in namespace " + namespace + " (from " + src.origin() + ")");
            reporter.deployLocated(namespace);
            PreviewWrite.Applied applied = new PreviewWrite(
                            store, terminal.clock(), this::say, seed.reseed, waiting.timeout, waiting.pollInterval)
                    .apply(overlay, src, start);
            lastSeen = applied.preview();
            if (waiting.noWait) {
                out().println(name);
                return ExitCodes.OK;
            }
            return await(store, applied, src, start);
        }
    }

    private void checkFlags() {
        if (!DeployOverlay.ENV_NAME.matcher(build.urlVariable).matches()) {
            throw CliFailure.invalid(
                    "--url-env-var-name '" + build.urlVariable + "' is not a valid environment variable name");
        }
        if (outputs.githubOutput && terminal.get("GITHUB_OUTPUT") == null) {
            throw CliFailure.invalid(
                    "--github-output: GITHUB_OUTPUT is not set (it is in GitHub Actions steps); use --output-file elsewhere");
        }
        if (waiting.noWait && build.cmd != null) {
            throw CliFailure.invalid("--cmd needs the preview's URL, so it cannot be combined with --no-wait");
        }
        if (waiting.noWait && github.enabled()) {
            throw CliFailure.invalid("--github reports the deploy's outcome, so it cannot be combined with --no-wait");
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------

    private int await(PreviewStore store, PreviewWrite.Applied applied, CiEnvironment.Source src, Instant start)
            throws Exception {
        String name = applied.preview().getMetadata().getName();
        String namespace = applied.preview().getMetadata().getNamespace();
        long generation =
                Objects.requireNonNullElse(applied.preview().getMetadata().getGeneration(), 0L);
        Progress progress = new Progress(this::say, terminal.clock(), start, HEARTBEAT);
        Instant deadline = start.plus(waiting.timeout);
        boolean provisionedSeen = false;
        DeployVerdict last = null;
        while (true) {
            PreviewDeployment p = store.get(namespace, name);
            if (p == null) {
                throw CliFailure.error("preview " + name + " was deleted while waiting for it");
            }
            lastSeen = p;
            if (p.getSpec() != null && !src.commit().equals(p.getSpec().getCommit())) {
                throw CliFailure.error("preview " + name + " was changed to commit "
                        + PreviewNames.shortCommit(p.getSpec().getCommit())
                        + " while waiting (a newer deploy of the branch?); not waiting for it");
            }
            DeployVerdict v = DeployVerdict.of(
                    p, generation, src.commit(), applied.staleSeedJob(), applied.wake(), waiting.waitForSlot);
            last = v;
            progress.report(v.summary());
            if (v.failure() != null) {
                throw v.failure();
            }
            if ((v.state() == DeployVerdict.State.PROVISIONED || v.state() == DeployVerdict.State.READY)
                    && !provisionedSeen) {
                provisionedSeen = true;
                String url = DeployVerdict.url(p);
                provisionedUrl = url;
                writeOutputs(p, url);
                if (build.cmd != null) {
                    Instant before = terminal.clock().instant();
                    runCmd(p, url);
                    deadline = deadline.plus(
                            Duration.between(before, terminal.clock().instant()));
                    continue; // read again: the seed ran meanwhile
                }
            }
            if (v.state() == DeployVerdict.State.READY) {
                out().println(DeployVerdict.url(p));
                return ExitCodes.OK;
            }
            if (!terminal.clock().instant().isBefore(deadline)) {
                throw new CliFailure(
                        ExitCodes.TIMEOUT,
                        "timed out after " + DurationFormat.of(waiting.timeout) + " waiting for preview "
                                + name + " to be " + (provisionedSeen ? "seeded" : "provisioned") + " (last: "
                                + last.summary() + ")."
                                + (last.state() == DeployVerdict.State.NOT_OBSERVED
                                        ? "\nThe operator has not reported on this change: is it running and "
                                                + "watching namespace " + namespace + "?"
                                        : "")
                                + "\nThe preview is left as it is; see: preview status " + name + " -n " + namespace);
            }
            Thread.sleep(Math.max(1, waiting.pollInterval.toMillis()));
        }
    }

    private void writeOutputs(PreviewDeployment p, String url) throws IOException {
        String name = p.getMetadata().getName();
        String namespace = p.getMetadata().getNamespace();
        String internal = p.getStatus() != null && p.getStatus().getUrl() != null
                ? p.getStatus().getUrl()
                : PreviewNames.serviceUrl(name, namespace);
        if (p.getStatus() == null || p.getStatus().getExternalUrl() == null) {
            say("note: no external URL (the preview has no Ingress host): " + url + " works inside the cluster only; "
                    + "see --ingress-host");
        }
        if (outputs.githubOutput) {
            Path file = Path.of(terminal.get("GITHUB_OUTPUT"));
            String lines =
                    "url=" + url + "\ninternal-url=" + internal + "\nname=" + name + "\nnamespace=" + namespace + "\n";
            Files.writeString(
                    file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (outputs.dotenv != null) {
            String lines = dotenv(url, internal, name, namespace, build.urlVariable);
            if (outputs.dotenv.getParent() != null) Files.createDirectories(outputs.dotenv.getParent());
            Files.writeString(outputs.dotenv, lines, StandardCharsets.UTF_8);
        }
    }

    /** The --dotenv file: fixed names (GitLab's environment:url can say $PREVIEW_URL), plus --url-env-var-name's. */
    static String dotenv(String url, String internal, String name, String namespace, String urlVariable) {
        return "PREVIEW_URL=" + url + "\n"
                + ("PREVIEW_URL".equals(urlVariable) ? "" : urlVariable + "=" + url + "\n")
                + "PREVIEW_INTERNAL_URL=" + internal + "\nPREVIEW_NAME=" + name + "\nPREVIEW_NAMESPACE=" + namespace
                + "\n";
    }

    private void runCmd(PreviewDeployment p, String url) throws IOException, InterruptedException {
        say("running --cmd with " + build.urlVariable + "=" + url);
        Map<String, String> env = new LinkedHashMap<>(terminal.env());
        env.put(build.urlVariable, url);
        env.put("PREVIEW_NAME", p.getMetadata().getName());
        env.put("PREVIEW_NAMESPACE", p.getMetadata().getNamespace());
        int code = BuildCommandRunner.run(build.cmd, env, err());
        if (code != 0) {
            throw new CliFailure(
                    ExitCodes.COMMAND_FAILED, "--cmd exited with status " + code + "; the preview stays at " + url);
        }
        say("--cmd finished");
    }
}
