package dev.previews.ci;

import dev.previews.api.Rollover;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of `deploy`, in the groups its help shows them: picocli mixins, read by {@link DeployCommand}. */
final class DeployOptions {
    private DeployOptions() {}

    static final class Source {
        @Option(
                order = 1,
                names = {"-b", "--branch"},
                paramLabel = "BRANCH",
                description = "Git branch (default: from the CI environment).")
        String branch;

        @Option(
                order = 2,
                names = {"-c", "--commit"},
                paramLabel = "SHA",
                description = "Commit to run, 7-40 hex characters (default: from the CI environment).")
        String commit;

        @Option(
                order = 3,
                names = "--name",
                paramLabel = "NAME",
                description = "Name of the PreviewDeployment (default: derived from the branch).")
        String name;

        @Option(
                order = 4,
                names = {"-f", "--file"},
                paramLabel = "TEMPLATE",
                description =
                        "PreviewDeployment manifest (YAML or JSON) to start from; the flags override its fields. Its branch, "
                                + "commit and name are used only when neither flags nor CI name a branch and commit.")
        Path template;
    }

    static final class Backend {
        @Option(
                order = 10,
                names = "--image",
                paramLabel = "IMAGE",
                description = "Backend image; {{commit}}, {{shortCommit}} and {{branch}} are expanded by the operator.")
        String image;

        @Option(
                order = 11,
                names = "--port",
                paramLabel = "PORT",
                description = "Container port of the backend (operator default: 8080).")
        Integer port;

        @Option(
                order = 12,
                names = "--replicas",
                paramLabel = "N",
                description = "Backend pods, 0-10 (operator default: 1).")
        Integer replicas;

        @Option(
                order = 13,
                names = "--command",
                paramLabel = "CMD",
                description = "Backend entrypoint, split into words like a shell would (no variables).")
        String command;

        @Option(
                order = 14,
                names = "--readiness-path",
                paramLabel = "PATH",
                description = "HTTP path probed for readiness, e.g. /healthz.")
        String readinessPath;

        @Option(
                order = 15,
                names = {"-e", "--env"},
                paramLabel = "NAME[=VALUE]",
                description =
                        "Backend environment variable; repeatable. Without '=VALUE' the value is taken from this environment.")
        List<String> env = List.of();
    }

    static final class Seed {
        @Option(
                order = 20,
                names = "--seed-image",
                paramLabel = "IMAGE",
                description = "Seed image (default: the backend image).")
        String image;

        @Option(
                order = 21,
                names = "--seed-command",
                paramLabel = "CMD",
                description = "Seed command, split into words like a shell would (no variables).")
        String command;

        @Option(
                order = 22,
                names = "--seed-env",
                paramLabel = "NAME[=VALUE]",
                description = "Seed environment variable; repeatable, like --env.")
        List<String> env = List.of();

        @Option(
                order = 23,
                names = "--reseed",
                description = "Run the seed again even if it already ran for this commit.")
        boolean reseed;
    }

    static final class Preview {
        @Option(
                order = 30,
                names = "--ttl",
                paramLabel = "DURATION",
                description = "Time to live, e.g. 36h or 3d; may only shorten the plan's.")
        String ttl;

        @Option(
                order = 31,
                names = "--ingress-host",
                paramLabel = "HOST",
                description = "Expose the backend at this host ({{name}}, {{namespace}}, {{branch}} expanded).")
        String ingressHost;

        @Option(
                order = 32,
                names = "--ingress-class",
                paramLabel = "CLASS",
                description = "IngressClass of the Ingress.")
        String ingressClass;

        @Option(order = 33, names = "--tls-secret", paramLabel = "SECRET", description = "TLS Secret of the Ingress.")
        String tlsSecret;

        @Option(
                order = 35,
                names = "--rollover",
                paramLabel = "STRATEGY",
                description =
                        "How a new commit replaces the running backend: Recreate, or BlueGreen (the new one starts and"
                                + " is seeded beside the old, which serves until the switch). Default: the plan's.")
        Rollover rollover;

        @Option(
                order = 34,
                names = {"-l", "--label"},
                paramLabel = "KEY=VALUE",
                description = "Label of the preview; repeatable (e.g. app=shop, for list -l and prune -l).")
        Map<String, String> labels = new LinkedHashMap<>();

        @Option(
                order = 35,
                names = "--annotation",
                paramLabel = "KEY=VALUE",
                description = "Annotation of the preview; repeatable.")
        Map<String, String> annotations = new LinkedHashMap<>();
    }

    static final class Waiting {
        @Option(
                order = 40,
                names = "--no-wait",
                description = "Return once the preview is written; prints its name instead of its URL.")
        boolean noWait;

        @Option(
                order = 41,
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "10m",
                converter = DurationConverter.class,
                description =
                        "How long to wait for the preview to be Ready; --cmd's run time does not count (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(
                order = 42,
                names = "--wait-for-slot",
                description = "At the deployment limit, wait for a free slot instead of exiting with 5.")
        boolean waitForSlot;

        @Option(
                order = 43,
                names = "--poll-interval",
                paramLabel = "DURATION",
                defaultValue = "1s",
                converter = DurationConverter.class,
                description = "How often to read the preview's status (default: ${DEFAULT-VALUE}).")
        Duration pollInterval;
    }

    static final class Build {
        @Option(
                order = 50,
                names = "--cmd",
                paramLabel = "COMMAND",
                description =
                        "Run this with /bin/sh -c once the backend is provisioned (before the seed finishes), with its URL "
                                + "in the variable --url-env-var-name; its output goes to stderr.")
        String cmd;

        @Option(
                order = 51,
                names = "--url-env-var-name",
                paramLabel = "NAME",
                defaultValue = "PREVIEW_URL",
                description =
                        "Variable that carries the URL to --cmd, and also into --dotenv (default: ${DEFAULT-VALUE}).")
        String urlVariable;
    }

    static final class Outputs {
        @Option(
                order = 60,
                names = "--github-output",
                description =
                        "Append url, internal-url, name and namespace to $GITHUB_OUTPUT (step outputs) once provisioned.")
        boolean githubOutput;

        @Option(
                order = 61,
                names = {"--dotenv", "--output-file"},
                paramLabel = "FILE",
                description = "Write PREVIEW_URL (the external URL, else the in-cluster one), PREVIEW_INTERNAL_URL, "
                        + "PREVIEW_NAME, PREVIEW_NAMESPACE and, when --url-env-var-name names another variable, that "
                        + "one too, as a dotenv file once provisioned (GitLab: artifacts:reports:dotenv).")
        Path dotenv;
    }
}
