package dev.previews.ci;

import dev.previews.api.PreviewDeployment;
import dev.previews.spec.Timestamps;
import java.time.Instant;
import java.util.Map;

/**
 * The value of the annotation previews.dev/wake that asks a preview to wake: the time, and always a
 * value the preview does not carry yet (the operator wakes a preview for a new value only; two wakes
 * within one second would otherwise write the same value, and the second would wait in vain; a
 * third one writes the time again, which differs from the second's). Pure function.
 */
final class WakeValue {
    private WakeValue() {}

    static String next(PreviewDeployment preview, Instant now) {
        Map<String, String> annotations = preview.getMetadata().getAnnotations();
        String current = annotations == null ? null : annotations.get(PreviewDeployment.WAKE_ANNOTATION);
        String value = Timestamps.format(now);
        return value.equals(current) ? value + "-2" : value;
    }
}
