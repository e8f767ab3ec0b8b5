package dev.previews.lifecycle;

import static dev.previews.lifecycle.Scene.T0;
import static dev.previews.lifecycle.Scene.TTL;
import static dev.previews.testing.Previews.COMMIT_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.Phase;
import dev.previews.api.PreviewDeploymentStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lifecycle decision as a table: every state a preview can be stopped in (and a Ready one, for
 * comparison), crossed with every event that can happen to it, each with the status, the actions
 * and the next wake-up it must decide. Time moves by the scene's clock; nothing runs.
 */
class LifecycleTableTest {
    static final Instant EXPIRES = T0.plus(TTL);
    static final Instant LATER = EXPIRES.plusSeconds(1);

    /** States, each built from a scene. */
    enum State {
        READY(Scene.ready()),
        INVALID_SPEC(Scene.ready().edit(p -> p.getSpec().getBackend().setImage("ghcr.io/acme/shop:{{nope}}"))),
        UNKNOWN_PLAN(Scene.ready().plan("gold")),
        BRANCH_CONFLICT(Scene.created().branchHeldBy("older")),
        LIMIT_EXCEEDED(Scene.created().slot(false)),
        RECREATING(Scene.ready().edit(p -> p.getSpec().setCommit(COMMIT_B))),
        EXPIRED(Scene.ready()
                .status(s -> {
                    s.setPhase(Phase.Expired);
                    s.setUrl(null);
                })
                .children(Observed.Children.NONE));

        final Scene scene;

        State(Scene scene) {
            this.scene = scene;
        }
    }

    /** Events, each a change of the scene. */
    enum Event {
        NOTHING(s -> s),
        TIME_PASSES_EXPIRY(s -> s.at(LATER)),
        SPEC_EDITED(s -> s.edit(p -> p.getSpec().getBackend().setEnv(List.of(new EnvVar("MODE", "demo", null))))),
        PLAN_CHANGED(s -> s.plan("large")),
        PLAN_UNKNOWN(s -> s.plan("gold")),
        SLOT_FREES(s -> s.slot(true)),
        CHILD_DELETED(s -> s.children(Observed.Children.of(null, s.service(), null, List.of())));

        final UnaryOperator<Scene> change;

        Event(UnaryOperator<Scene> change) {
            this.change = change;
        }
    }

    /** What the decision must say: phase, Ready's reason, actions ("Kind name"), wake-up, slot. */
    record Expected(Phase phase, String ready, List<String> actions, Instant wakeAt, boolean holdsSlot) {
        static Expected of(Phase phase, String ready, Instant wakeAt, boolean holdsSlot, String... actions) {
            return new Expected(phase, ready, Arrays.asList(actions), wakeAt, holdsSlot);
        }
    }

    static final Expected EXPIRED_NOW =
            Expected.of(Phase.Expired, "Expired", null, false, "Delete Service shop", "Delete Deployment shop");
    static final Expected STAYS_EXPIRED = Expected.of(Phase.Expired, null, null, false);

    static Stream<Arguments> table() {
        List<Arguments> rows = new ArrayList<>();
        Map<Event, Expected> ready = Map.of(
                Event.NOTHING,
                        Expected.of(
                                Phase.Ready, "Ready", EXPIRES, true, "Verify Deployment shop", "Verify Service shop"),
                Event.TIME_PASSES_EXPIRY, EXPIRED_NOW,
                Event.SPEC_EDITED,
                        Expected.of(
                                Phase.Provisioning,
                                "Provisioning",
                                EXPIRES,
                                true,
                                "Update Deployment shop",
                                "Verify Service shop"),
                Event.PLAN_CHANGED,
                        Expected.of(
                                Phase.Ready,
                                "Ready",
                                T0.plus(Duration.ofDays(5)),
                                true,
                                "Verify Deployment shop",
                                "Verify Service shop"),
                Event.PLAN_UNKNOWN, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.SLOT_FREES,
                        Expected.of(
                                Phase.Ready, "Ready", EXPIRES, true, "Verify Deployment shop", "Verify Service shop"),
                Event.CHILD_DELETED,
                        Expected.of(
                                Phase.Provisioning,
                                "Provisioning",
                                EXPIRES,
                                true,
                                "Create Deployment shop",
                                "Verify Service shop"));
        Map<Event, Expected> invalid = Map.of(
                Event.NOTHING, Expected.of(Phase.Invalid, "InvalidSpec", EXPIRES, true),
                Event.TIME_PASSES_EXPIRY, EXPIRED_NOW,
                Event.SPEC_EDITED, Expected.of(Phase.Invalid, "InvalidSpec", EXPIRES, true),
                Event.PLAN_CHANGED, Expected.of(Phase.Invalid, "InvalidSpec", T0.plus(Duration.ofDays(5)), true),
                Event.PLAN_UNKNOWN, Expected.of(Phase.Invalid, "InvalidSpec", EXPIRES, true),
                Event.SLOT_FREES, Expected.of(Phase.Invalid, "InvalidSpec", EXPIRES, true),
                Event.CHILD_DELETED, Expected.of(Phase.Invalid, "InvalidSpec", EXPIRES, true));
        Map<Event, Expected> unknownPlan = Map.of(
                Event.NOTHING, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.TIME_PASSES_EXPIRY, EXPIRED_NOW,
                Event.SPEC_EDITED, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.PLAN_CHANGED,
                        Expected.of(
                                Phase.Ready,
                                "Ready",
                                T0.plus(Duration.ofDays(5)),
                                true,
                                "Verify Deployment shop",
                                "Verify Service shop"),
                Event.PLAN_UNKNOWN, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.SLOT_FREES, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.CHILD_DELETED, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true));
        Expected conflict = Expected.of(Phase.Failed, "BranchConflict", null, false);
        Map<Event, Expected> branch = Map.of(
                Event.NOTHING, conflict,
                Event.TIME_PASSES_EXPIRY, conflict,
                Event.SPEC_EDITED, conflict,
                Event.PLAN_CHANGED, conflict,
                Event.PLAN_UNKNOWN, Expected.of(Phase.Failed, "UnknownPlan", null, false),
                Event.SLOT_FREES, conflict,
                Event.CHILD_DELETED, conflict);
        Expected waits = Expected.of(Phase.LimitExceeded, "DeploymentLimitExceeded", null, false);
        Map<Event, Expected> limit = Map.of(
                Event.NOTHING, waits,
                Event.TIME_PASSES_EXPIRY, waits,
                Event.SPEC_EDITED, waits,
                Event.PLAN_CHANGED, waits,
                Event.PLAN_UNKNOWN, Expected.of(Phase.Failed, "UnknownPlan", null, false),
                Event.SLOT_FREES,
                        Expected.of(
                                Phase.Provisioning,
                                "Provisioning",
                                T0.plus(TTL),
                                true,
                                "Create Deployment shop",
                                "Create Service shop"),
                Event.CHILD_DELETED, waits);
        Expected recreating = Expected.of(Phase.Provisioning, "Recreating", EXPIRES, true, "Delete Deployment shop");
        Map<Event, Expected> recreate = Map.of(
                Event.NOTHING, recreating,
                Event.TIME_PASSES_EXPIRY, EXPIRED_NOW,
                Event.SPEC_EDITED, recreating,
                Event.PLAN_CHANGED,
                        Expected.of(
                                Phase.Provisioning,
                                "Recreating",
                                T0.plus(Duration.ofDays(5)),
                                true,
                                "Delete Deployment shop"),
                Event.PLAN_UNKNOWN, Expected.of(Phase.Failed, "UnknownPlan", EXPIRES, true),
                Event.SLOT_FREES, recreating,
                // the old backend is gone: the new commit's deployment starts now
                Event.CHILD_DELETED,
                        Expected.of(
                                Phase.Provisioning,
                                "Provisioning",
                                T0.plusSeconds(3600).plus(TTL),
                                true,
                                "Create Deployment shop",
                                "Update Service shop"));
        Map<Event, Expected> expired = Map.of(
                Event.NOTHING, STAYS_EXPIRED,
                Event.TIME_PASSES_EXPIRY, STAYS_EXPIRED,
                Event.SPEC_EDITED, STAYS_EXPIRED,
                Event.PLAN_CHANGED, STAYS_EXPIRED,
                Event.PLAN_UNKNOWN, STAYS_EXPIRED,
                Event.SLOT_FREES, STAYS_EXPIRED,
                Event.CHILD_DELETED, STAYS_EXPIRED);
        Map<State, Map<Event, Expected>> all = Map.of(
                State.READY, ready,
                State.INVALID_SPEC, invalid,
                State.UNKNOWN_PLAN, unknownPlan,
                State.BRANCH_CONFLICT, branch,
                State.LIMIT_EXCEEDED, limit,
                State.RECREATING, recreate,
                State.EXPIRED, expired);
        for (State state : State.values()) {
            for (Event event : Event.values()) {
                rows.add(Arguments.of(state, event, all.get(state).get(event)));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("table")
    void eachStateCrossedWithEachEvent(State state, Event event, Expected expected) {
        Scene scene = event.change.apply(state.scene);
        Decision decision = scene.decide();

        PreviewDeploymentStatus status = decision.status();
        assertThat(status.getPhase()).as("phase").isEqualTo(expected.phase());
        if (expected.ready() != null) {
            assertThat(status.reason("Ready")).as("Ready's reason").isEqualTo(expected.ready());
        }
        assertThat(decision.actions())
                .extracting(LifecycleTableTest::describe)
                .as("actions")
                .isEqualTo(expected.actions());
        assertThat(decision.wakeAt()).as("wake-up").isEqualTo(expected.wakeAt());
        assertThat(decision.holdsSlot()).as("holds a slot").isEqualTo(expected.holdsSlot());
        assertThat(status.getObservedGeneration())
                .isEqualTo(scene.preview.getMetadata().getGeneration());
        if (decision.wakeAt() != null) {
            assertThat(decision.wakeAt()).as("never a time that has passed").isAfter(scene.now);
        }
    }

    /** An API error, whatever the state: Ready says so with the API server's words; the rest stays. */
    @ParameterizedTest(name = "{0} + an API error")
    @MethodSource("states")
    void anApiErrorInEachState(State state) {
        PreviewDeploymentStatus before = state.scene.preview.getStatus();
        PreviewDeploymentStatus failed = Failure.status(
                state.scene.preview, Failure.Kind.API_ERROR, "creating Deployment shop failed: forbidden", T0);

        assertThat(failed.getPhase()).isEqualTo(Phase.Failed);
        assertThat(failed.reason("Ready")).isEqualTo("ReconcileError");
        assertThat(failed.condition("Ready").orElseThrow().getMessage()).contains("forbidden");
        if (before != null) {
            assertThat(failed.condition("Provisioned")).isEqualTo(before.condition("Provisioned"));
            assertThat(failed.getExpiresAt()).isEqualTo(before.getExpiresAt());
        } else {
            assertThat(failed.reason("Provisioned")).isEqualTo("ReconcileError");
        }
    }

    static Stream<State> states() {
        return Stream.of(State.values());
    }

    static String describe(Decision.Action action) {
        if (action instanceof Decision.Create c) return "Create " + kindAndName(c.desired());
        if (action instanceof Decision.Update u) return "Update " + kindAndName(u.actual());
        if (action instanceof Decision.Verify v) return "Verify " + kindAndName(v.actual());
        if (action instanceof Decision.Delete d) return "Delete " + kindAndName(d.child());
        return "DeletePreview";
    }

    private static String kindAndName(io.fabric8.kubernetes.api.model.HasMetadata o) {
        return o.getKind() + " " + o.getMetadata().getName();
    }
}
