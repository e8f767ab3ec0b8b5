package dev.previews.policy;

import dev.previews.spec.Timestamps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Updates a list of conditions as the Kubernetes API conventions want: lastTransitionTime moves only
 * when the status moves. Pure function: returns a new list.
 */
public final class ConditionSet {
    private ConditionSet() {}

    public static List<Condition> put(
            List<Condition> current,
            String type,
            String status,
            String reason,
            String message,
            Long generation,
            Instant now) {
        List<Condition> next = new ArrayList<>();
        boolean placed = false;
        for (Condition c : current == null ? List.<Condition>of() : current) {
            if (type.equals(c.getType())) {
                String since = Objects.equals(c.getStatus(), status) && c.getLastTransitionTime() != null
                        ? c.getLastTransitionTime()
                        : Timestamps.format(now);
                next.add(condition(type, status, reason, message, generation, since));
                placed = true;
            } else {
                next.add(c);
            }
        }
        if (!placed) {
            next.add(condition(type, status, reason, message, generation, Timestamps.format(now)));
        }
        return next;
    }

    private static Condition condition(
            String type, String status, String reason, String message, Long generation, String since) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message == null ? "" : message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }
}
