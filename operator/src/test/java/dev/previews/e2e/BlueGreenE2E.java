package dev.previews.e2e;

import static dev.previews.e2e.Expect.condition;
import static dev.previews.e2e.Expect.ready;
import static dev.previews.testing.Previews.COMMIT_A;
import static dev.previews.testing.Previews.COMMIT_B;
import static dev.previews.testing.Previews.COMMIT_C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previews.api.PreviewDeployment;
import dev.previews.api.Rollover;
import dev.previews.api.RolloverPhase;
import dev.previews.spec.PreviewNames;
import dev.previews.testing.Previews;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The point of BlueGreen, where only a real control plane shows it: the endpoints controller keeps the
 * preview's Service answering from the old commit's pods while the new commit starts and seeds (every
 * version of its Endpoints, watched from before the push until the old Deployment is gone, lists a
 * ready address), the Service switches only after the new seed succeeded, and a failing seed never
 * switches it. Under Recreate the same push leaves the Service without endpoints for a while.
 */
@EndToEnd
class BlueGreenE2E {
    private static E2EEnvironment env;
    private static TestNamespace ns;

    @BeforeAll
    static void namespace(E2EEnvironment environment) {
        env = environment;
        ns = env.namespace("bluegreen", null);
    }

    @AfterAll
    static void cleanUp() {
        if (ns != null) ns.close();
    }

    @Test
    void blueGreen_theServiceAnswersThroughout_andSwitchesOnlyAfterTheSeed_andAFailingSeedNeverSwitches() {
        PreviewDeployment preview = Previews.withSeed(Previews.preview(ns.name(), "shop", "feature/shop"));
        preview.getSpec().setRollover(Rollover.BlueGreen);
        ns.create(preview);
        ns.awaitPreview("shop", ready());
        awaitReadyAddresses("shop");
        String oldDeployment = PreviewNames.commitName("shop", COMMIT_A);
        assertThat(ns.deployment(oldDeployment))
                .as("a BlueGreen preview's Deployment")
                .isNotNull();

        try (Recorder endpoints = Recorder.of("shop")) {
            // the new seed runs until the test lets it finish: the rollover pauses in Seeding
            env.kubelet().seedOutcome(ns.name(), "shop", FakeKubelet.hold());
            ns.preview("shop").edit(p -> {
                p.getSpec().setCommit(COMMIT_B);
                return p;
            });
            PreviewDeployment seeding = ns.awaitPreview("shop", p -> {
                assertThat(p.getStatus().getNext()).isNotNull();
                assertThat(p.getStatus().getNext().getPhase()).isEqualTo(RolloverPhase.Seeding);
            });
            assertThat(seeding.getStatus().getCommit()).isEqualTo(COMMIT_A);
            assertThat(seeding.getStatus().isTrue("Ready"))
                    .as("the old commit serves")
                    .isTrue();
            await("the new seed's pod runs")
                    .atMost(E2EEnvironment.WAIT)
                    .until(() -> ns.pods("shop").stream()
                            .anyMatch(p -> seedPod(p, COMMIT_B)
                                    && "Running".equals(p.getStatus().getPhase())));
            // make the operator look at the running seed (a label nobody reads), then check it did not switch
            int reconciles = env.reconcileCount(ns.name(), "shop");
            ns.preview("shop").edit(p -> {
                p.getMetadata().setLabels(Map.of("e2e.previews.dev/poke", "seeding"));
                return p;
            });
            await("a reconcile while the seed runs")
                    .atMost(E2EEnvironment.WAIT)
                    .until(() -> env.reconcileCount(ns.name(), "shop") > reconciles);
            assertThat(ns.get("shop").getStatus().getCommit()).isEqualTo(COMMIT_A);
            assertThat(selectedCommit()).as("no switch while the seed runs").isEqualTo(COMMIT_A);

            env.kubelet().seedOutcome(ns.name(), "shop", FakeKubelet.succeed());
            PreviewDeployment switched = ns.awaitPreview("shop", p -> {
                assertThat(p.getStatus().getCommit()).isEqualTo(COMMIT_B);
                ready().accept(p);
                condition("RolledOver", "True", "Switched").accept(p);
            });
            assertThat(switched.getStatus().getNext()).isNull();
            ns.awaitGone("the old commit's Deployment", () -> ns.deployment(oldDeployment));
            ns.awaitGone("the incoming commit's Service", () -> ns.service(PreviewNames.commitName("shop", COMMIT_B)));
            await("the old commit's pods gone")
                    .atMost(E2EEnvironment.WAIT)
                    .until(() -> ns.pods("shop").stream().noneMatch(p -> backendPod(p, COMMIT_A)));
            awaitAddressesOf("shop", COMMIT_B);

            endpoints.assertAlwaysReady();
            System.err.printf(
                    "[e2e] BlueGreen push: %d versions of the Endpoints, each with a ready address%n",
                    endpoints.versions().size());
            assertThat(endpoints.commits()).as("the Endpoints' pods, in order").containsSubsequence(COMMIT_A, COMMIT_B);
            assertThat(endpoints.switchSawSeed())
                    .as("when the Service selected commit B, its seed Job had completed")
                    .containsOnly(true)
                    .isNotEmpty();
        }

        try (Recorder endpoints = Recorder.of("shop")) {
            env.kubelet().seedOutcome(ns.name(), "shop", FakeKubelet.fail("fixtures: relation \"users\" missing"));
            ns.preview("shop").edit(p -> {
                p.getSpec().setCommit(COMMIT_C);
                return p;
            });
            PreviewDeployment failed = ns.awaitPreview("shop", p -> {
                assertThat(p.getStatus().getNext()).isNotNull();
                assertThat(p.getStatus().getNext().getPhase()).isEqualTo(RolloverPhase.SeedFailed);
                condition("RolledOver", "False", "SeedFailed").accept(p);
            });
            assertThat(failed.getStatus().getCommit()).isEqualTo(COMMIT_B);
            assertThat(failed.getStatus().isTrue("Ready"))
                    .as("commit B serves on")
                    .isTrue();
            assertThat(failed.getStatus().isTrue("SeedFailed"))
                    .as("for commit C")
                    .isTrue();
            assertThat(Expect.message(failed, "SeedFailed")).contains("relation \"users\" missing");
            ns.awaitGone(
                    "the failed commit's Deployment", () -> ns.deployment(PreviewNames.commitName("shop", COMMIT_C)));
            assertThat(ns.jobs("shop"))
                    .anyMatch(j -> COMMIT_C.equals(commitOf(j.getMetadata().getLabels())));
            assertThat(selectedCommit()).isEqualTo(COMMIT_B);
            awaitAddressesOf("shop", COMMIT_B);

            endpoints.assertAlwaysReady();
            assertThat(endpoints.selectors()).as("the Service never switched").containsOnly(COMMIT_B);
            assertThat(ns.eventReasons("shop")).contains("Warning RolloverFailed", "Warning SeedFailed");
        }
    }

    @Test
    void recreate_theSamePushLeavesTheServiceWithoutEndpointsForAWhile() {
        ns.create(Previews.withSeed(Previews.preview(ns.name(), "legacy", "feature/legacy")));
        ns.awaitPreview("legacy", ready());
        awaitReadyAddresses("legacy");

        try (Recorder endpoints = Recorder.of("legacy")) {
            ns.preview("legacy").edit(p -> {
                p.getSpec().setCommit(COMMIT_B);
                return p;
            });
            ns.awaitPreview("legacy", p -> {
                assertThat(p.getStatus().getCommit()).isEqualTo(COMMIT_B);
                ready().accept(p);
            });
            awaitAddressesOf("legacy", COMMIT_B);

            assertThat(endpoints.versions())
                    .as("some version of the Endpoints lists no ready address: the gap BlueGreen closes")
                    .anyMatch(v -> v.ready() == 0);
            System.err.printf(
                    "[e2e] Recreate push: no ready endpoint for %d ms%n",
                    endpoints.gap().toMillis());
        }
    }

    /** One version of a Service's Endpoints: its ready addresses, and the commit their pods run. */
    record Version(Instant seen, int ready, String commit) {}

    /** Watches a Service and its Endpoints from now on. */
    private static final class Recorder implements AutoCloseable {
        private final String service;
        private final List<Version> versions = new CopyOnWriteArrayList<>();
        private final List<String> selectors = new CopyOnWriteArrayList<>();
        private final List<Boolean> switchSawSeed = new CopyOnWriteArrayList<>();
        private final Watch endpointsWatch;
        private final Watch serviceWatch;

        private Recorder(String service) {
            this.service = service;
            this.endpointsWatch = env.admin()
                    .endpoints()
                    .inNamespace(ns.name())
                    .withName(service)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Endpoints e) {
                            versions.add(version(action == Action.DELETED ? null : e));
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                    });
            this.serviceWatch = env.admin()
                    .services()
                    .inNamespace(ns.name())
                    .withName(service)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Service s) {
                            String commit = commitOf(s.getSpec().getSelector());
                            if (!selectors.isEmpty() && !Objects.equals(selectors.get(selectors.size() - 1), commit)) {
                                // the Service was written after the operator saw the seed end: it ended already
                                switchSawSeed.add(ns.jobs(service).stream()
                                        .filter(j -> Objects.equals(
                                                commit, commitOf(j.getMetadata().getLabels())))
                                        .anyMatch(BlueGreenE2E::complete));
                            }
                            selectors.add(commit);
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                    });
        }

        static Recorder of(String service) {
            Recorder r = new Recorder(service);
            await("the watches' first events")
                    .atMost(E2EEnvironment.WAIT)
                    .until(() -> !r.versions.isEmpty() && !r.selectors.isEmpty());
            return r;
        }

        List<Version> versions() {
            return List.copyOf(versions);
        }

        List<String> commits() {
            return versions.stream()
                    .map(Version::commit)
                    .filter(Objects::nonNull)
                    .distinct()
                    .toList();
        }

        List<String> selectors() {
            return List.copyOf(selectors);
        }

        List<Boolean> switchSawSeed() {
            return List.copyOf(switchSawSeed);
        }

        /** How long the Endpoints listed no ready address, from the first such version to the next ready one. */
        Duration gap() {
            Instant from = null;
            Duration total = Duration.ZERO;
            for (Version v : versions) {
                if (v.ready() == 0 && from == null) from = v.seen();
                if (v.ready() > 0 && from != null) {
                    total = total.plus(Duration.between(from, v.seen()));
                    from = null;
                }
            }
            return total;
        }

        void assertAlwaysReady() {
            assertThat(versions)
                    .as("every version of the Endpoints of Service %s lists a ready address", service)
                    .isNotEmpty()
                    .allMatch(v -> v.ready() > 0);
        }

        @Override
        public void close() {
            endpointsWatch.close();
            serviceWatch.close();
        }
    }

    private static Version version(Endpoints e) {
        if (e == null || e.getSubsets() == null) return new Version(Instant.now(), 0, null);
        List<EndpointAddress> ready = e.getSubsets().stream()
                .map(EndpointSubset::getAddresses)
                .filter(Objects::nonNull)
                .flatMap(List::stream)
                .toList();
        String commit = ready.stream()
                .map(a -> a.getTargetRef() == null ? null : a.getTargetRef().getName())
                .filter(Objects::nonNull)
                .map(BlueGreenE2E::commitOfPod)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        return new Version(Instant.now(), ready.size(), commit);
    }

    /** The commit a pod runs (null once it is gone: it is read when the watch reports its Endpoints). */
    private static String commitOfPod(String pod) {
        try {
            Pod p = env.admin().pods().inNamespace(ns.name()).withName(pod).get();
            return p == null ? null : commitOf(p.getMetadata().getLabels());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String selectedCommit() {
        return commitOf(ns.service("shop").getSpec().getSelector());
    }

    private static String commitOf(Map<String, String> labels) {
        return labels == null ? null : labels.get(PreviewNames.LABEL_COMMIT);
    }

    private static boolean complete(Job job) {
        return job.getStatus() != null
                && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream()
                        .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static boolean seedPod(Pod pod, String commit) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return PreviewNames.SEED_COMPONENT.equals(labels.get(PreviewNames.LABEL_NAME))
                && commit.equals(labels.get(PreviewNames.LABEL_COMMIT));
    }

    private static boolean backendPod(Pod pod, String commit) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return PreviewNames.BACKEND_COMPONENT.equals(labels.get(PreviewNames.LABEL_NAME))
                && commit.equals(labels.get(PreviewNames.LABEL_COMMIT));
    }

    private static void awaitReadyAddresses(String service) {
        await("ready addresses in the Endpoints of " + service)
                .atMost(E2EEnvironment.WAIT)
                .pollInterval(E2EEnvironment.POLL)
                .until(() -> version(env.admin()
                                        .endpoints()
                                        .inNamespace(ns.name())
                                        .withName(service)
                                        .get())
                                .ready()
                        > 0);
    }

    private static void awaitAddressesOf(String service, String commit) {
        await("the Endpoints of " + service + " list commit " + commit)
                .atMost(E2EEnvironment.WAIT)
                .pollInterval(E2EEnvironment.POLL)
                .until(() -> {
                    Version v = version(env.admin()
                            .endpoints()
                            .inNamespace(ns.name())
                            .withName(service)
                            .get());
                    return v.ready() > 0 && commit.equals(v.commit());
                });
    }
}
