package dev.previews.sandbox;

import dev.previews.api.BackendSpec;
import dev.previews.api.Conditions;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentSpec;
import dev.previews.api.Rollover;
import dev.previews.api.RolloverPhase;
import dev.previews.api.SeedSpec;
import dev.previews.policy.OperatorConfig;
import dev.previews.policy.Plan;
import dev.previews.simulator.WorkloadSimulator;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The scripted walk through a preview's lifecycle that `sandbox --demo` shows: three branches get
 * previews (one seed fails); a push recreates one (Recreate); on the BlueGreen one, a push whose seed
 * fails leaves the old commit serving, and the fixed push switches; a preview is deleted, and one
 * falls asleep without activity and is woken. Prints the table of previews whenever it changes. Its
 * plan compresses time: previews sleep after {@link #SLEEP_AFTER} without activity.
 */
public final class SandboxDemo {
    public static final String NAMESPACE = "default";
    /** How long a demo preview without activity runs before it sleeps (hours on a real plan). */
    public static final Duration SLEEP_AFTER = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final PrintStream out;
    private final Duration stepTimeout;
    private String lastTable = "";

    /** The operator's configuration for the demo: the default plans, the default one sleeping soon. */
    public static OperatorConfig config() {
        OperatorConfig defaults = OperatorConfig.defaults();
        Plan starter = defaults.plan(defaults.defaultPlan()).orElseThrow();
        return defaults.withPlan(starter.withSleepAfter(SLEEP_AFTER));
    }

    public SandboxDemo(KubernetesClient client, PrintStream out, Duration stepTimeout) {
        this.client = client;
        this.out = out;
        this.stepTimeout = stepTimeout;
    }

    /** Runs the script; false when a step did not happen within the step timeout. */
    public boolean run() {
        say("Three branches are pushed: feature/login (its seed succeeds), fix/checkout (its seed fails) and "
                + "feature/search (rollover BlueGreen).");
        apply(preview("feature-login", "feature/login", "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39", false));
        apply(preview("fix-checkout", "fix/checkout", "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", true));
        PreviewDeployment search =
                preview("feature-search", "feature/search", "5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d", false);
        search.getSpec().setRollover(Rollover.BlueGreen);
        apply(search);
        if (!await("feature-login", p -> phase(p) == Phase.Ready, "feature-login Ready")
                || !await("fix-checkout", p -> phase(p) == Phase.SeedFailed, "fix-checkout SeedFailed")
                || !await("feature-search", p -> phase(p) == Phase.Ready, "feature-search Ready")) {
            return false;
        }
        say("fix-checkout's seed failed: the deploy fails, the backend stays up. Its message:");
        PreviewDeployment failed = get("fix-checkout");
        failed.getStatus().condition("SeedFailed").ifPresent(c -> out.println(indent(c.getMessage())));

        String pushed = "c0ffee0123456789abcdef0123456789abcdef01";
        say("A new commit is pushed to feature/login: the old backend is deleted, the new one created and seeded.");
        client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName("feature-login")
                .edit(p -> {
                    p.getSpec().setCommit(pushed);
                    return p;
                });
        if (!await("feature-login", p -> phase(p) != Phase.Ready, "feature-login recreating")
                || !await(
                        "feature-login",
                        p -> phase(p) == Phase.Ready
                                && pushed.equals(p.getStatus().getCommit()),
                        "feature-login Ready at the new commit")) {
            return false;
        }
        if (!blueGreen()) {
            return false;
        }
        say("The fix/checkout branch is merged: its preview is deleted, and Kubernetes removes what it owned.");
        client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName("fix-checkout")
                .delete();
        if (!await("fix-checkout", p -> p == null, "fix-checkout gone")) {
            return false;
        }
        say("Nobody pushes to feature/login for a while: after " + SLEEP_AFTER.toSeconds() + " s without activity "
                + "(the demo's plan; 12h, say, on a real one) it sleeps: scaled to zero, its URL kept.");
        if (!await("feature-login", p -> phase(p) == Phase.Asleep, "feature-login Asleep")) {
            return false;
        }
        say("A reviewer wakes it (preview wake feature-login, or the annotation previews.dev/wake): the backend "
                + "comes back, and the seed does not run again.");
        client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName("feature-login")
                .edit(p -> {
                    Map<String, String> annotations = new HashMap<>(
                            Objects.requireNonNullElse(p.getMetadata().getAnnotations(), Map.of()));
                    annotations.put(PreviewDeployment.WAKE_ANNOTATION, "demo");
                    p.getMetadata().setAnnotations(annotations);
                    return p;
                });
        if (!await("feature-login", p -> phase(p) == Phase.Ready, "feature-login awake and Ready")) {
            return false;
        }
        say("Demo complete.");
        return true;
    }

    /** BlueGreen: a push whose seed fails leaves the old commit serving; the fixed push switches. */
    private boolean blueGreen() {
        String broken = "badc0de123456789abcdef0123456789abcdef01";
        say("A commit whose seed fails is pushed to feature/search (BlueGreen): its backend starts beside the old "
                + "one, the seed fails, and the old commit keeps serving: the preview stays Ready (NEXT says why).");
        client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName("feature-search")
                .edit(p -> {
                    p.getSpec().setCommit(broken);
                    p.getSpec().getSeed().setEnv(failing());
                    return p;
                });
        if (!await(
                "feature-search",
                p -> p.getStatus().getNext() != null
                        && p.getStatus().getNext().getPhase() == RolloverPhase.SeedFailed
                        && phase(p) == Phase.Ready,
                "feature-search Ready, its rollover failed")) {
            return false;
        }
        String fixed = "f1e2d3c4b5a6978800112233445566778899aabb";
        say("The fix is pushed to feature/search: the new backend is seeded beside the old one, then the Service "
                + "switches to it and the old backend goes. The URL answered throughout.");
        client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName("feature-search")
                .edit(p -> {
                    p.getSpec().setCommit(fixed);
                    p.getSpec().getSeed().setEnv(null);
                    return p;
                });
        return await(
                "feature-search",
                p -> fixed.equals(p.getStatus().getCommit())
                        && phase(p) == Phase.Ready
                        && p.getStatus().isTrue(Conditions.ROLLED_OVER),
                "feature-search Ready at the fixed commit");
    }

    static PreviewDeployment preview(String name, String branch, String commit, boolean seedFails) {
        PreviewDeployment p = new PreviewDeployment();
        p.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        PreviewDeploymentSpec spec = new PreviewDeploymentSpec();
        spec.setBranch(branch);
        spec.setCommit(commit);
        BackendSpec backend = new BackendSpec();
        backend.setImage("registry.example.com/shop/api:{{shortCommit}}");
        backend.setPort(8080);
        backend.setReadinessPath("/healthz");
        spec.setBackend(backend);
        SeedSpec seed = new SeedSpec();
        seed.setCommand(List.of("/app/seed", "--fixtures", "demo"));
        if (seedFails) {
            seed.setEnv(failing());
        }
        spec.setSeed(seed);
        p.setSpec(spec);
        return p;
    }

    /** The seed environment that makes the simulated seed fail, with what it prints. */
    private static List<EnvVar> failing() {
        return List.of(
                new EnvVar(WorkloadSimulator.OUTCOME_ENV, "fail", null),
                new EnvVar(
                        WorkloadSimulator.OUTPUT_ENV,
                        "loading fixtures: users ok\nloading fixtures: orders\n"
                                + "ERROR: relation \"orders\" does not exist",
                        null));
    }

    private void apply(PreviewDeployment p) {
        client.resource(p).create();
    }

    private PreviewDeployment get(String name) {
        return client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    private static Phase phase(PreviewDeployment p) {
        return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    /** Watches the table until the preview satisfies the condition, printing each new table. */
    private boolean await(String name, Predicate<PreviewDeployment> condition, String what) {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            printTableIfChanged();
            if (condition.test(get(name))) {
                printTableIfChanged();
                return true;
            }
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        out.println("demo: timed out after " + stepTimeout.toSeconds() + "s waiting for " + what);
        return false;
    }

    private void printTableIfChanged() {
        String table = PreviewTable.render(client.resources(PreviewDeployment.class)
                .inNamespace(NAMESPACE)
                .list()
                .getItems());
        if (!table.equals(lastTable)) {
            lastTable = table;
            out.println();
            out.print(table);
        }
    }

    private void say(String line) {
        out.println();
        out.println("==> " + line);
    }

    private static String indent(String text) {
        return "    " + text.replace("\n", "\n    ");
    }
}
