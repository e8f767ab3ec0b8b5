package dev.previews.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previews.api.PreviewDeployment;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WakeValueTest {
    private static final Instant NOW = Instant.parse("2026-11-08T10:00:00.400Z");

    private static PreviewDeployment carrying(String wake) {
        PreviewDeployment preview = new PreviewDeployment();
        preview.getMetadata().setName("feature-idle");
        if (wake != null) preview.getMetadata().setAnnotations(Map.of(PreviewDeployment.WAKE_ANNOTATION, wake));
        return preview;
    }

    @Test
    void theTimeWhenThePreviewCarriesNoWakeOrAnOlderOne() {
        assertThat(WakeValue.next(carrying(null), NOW)).isEqualTo("2026-11-08T10:00:00Z");
        assertThat(WakeValue.next(carrying("2026-11-07T10:00:00Z"), NOW)).isEqualTo("2026-11-08T10:00:00Z");
    }

    @Test
    void aSecondWakeWithinTheSameSecondStillWritesANewValue() {
        String first = WakeValue.next(carrying(null), NOW);
        String second = WakeValue.next(carrying(first), NOW.plusMillis(300));
        String third = WakeValue.next(carrying(second), NOW.plusMillis(500));

        assertThat(second).isNotEqualTo(first).isEqualTo("2026-11-08T10:00:00Z-2");
        assertThat(third).isNotEqualTo(second);
    }
}
