package dev.previews.sandbox;

import dev.previews.api.BackendSpec;
import dev.previews.api.Phase;
import dev.previews.api.PreviewDeployment;
import dev.previews.api.PreviewDeploymentSpec;
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
 * The scripted walk through a preview's lifecycle that `sandbox --demo` shows: two branches get
 * previews (one seed succeeds, one fails), a push recreates one, the other is deleted, and the one
 * left falls asleep without activity and is woken. Prints the table of previews whenever it
 * changes. Its plan compresses time: previews sleep after {@link #SLEEP_AFTER} without activity.
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
        say("Two branches are pushed: feature/login (its seed succeeds) and fix/checkout (its seed fails).");
        apply(preview("feature-login", "feature/login", "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39", false));
        apply(preview("fix-checkout", "fix/checkout", "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", true));
        if (!await("feature-login", p -> phase(p) == Phase.Ready, "feature-login Ready")
                || !await("fix-checkout", p -> phase(p) == Phase.SeedFailed, "fix-checkout SeedFailed")) {
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
            seed.setEnv(List.of(
                    new EnvVar(WorkloadSimulator.OUTCOME_ENV, "fail", null),
                    new EnvVar(
                            WorkloadSimulator.OUTPUT_ENV,
                            "loading fixtures: users ok\nloading fixtures: orders\n"
                                    + "ERROR: relation \"orders\" does not exist",
                            null)));
        }
        spec.setSeed(seed);
        p.setSpec(spec);
        return p;
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
