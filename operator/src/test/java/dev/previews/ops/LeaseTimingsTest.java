package dev.previews.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import java.lang.reflect.Field;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Leader election timings: what they promise for a failover, and the ones the elector cannot work with. */
class LeaseTimingsTest {

    @Test
    void theDefaultsTakeOverWithinTheLeasePlusTwoSeconds() {
        LeaseTimings d = LeaseTimings.DEFAULTS;
        assertThat(d.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(d.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.worstCaseTakeover()).isEqualTo(Duration.ofMillis(16_650));
        assertThat(d.worstCaseTakeover()).isLessThanOrEqualTo(d.leaseDuration().plusSeconds(2));
    }

    @Test
    void clientGosTwoSecondRetryMayWaitFourSecondsPastTheLease() {
        LeaseTimings clientGo = new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        assertThat(clientGo.worstCaseTakeover()).isEqualTo(Duration.ofMillis(19_400));
    }

    @Test
    void theStretchIsFabric8sJitterFactor() throws ReflectiveOperationException {
        Field factor = LeaderElector.class.getDeclaredField("JITTER_FACTOR");
        factor.setAccessible(true);
        assertThat((Double) factor.get(null)).isEqualTo(LeaseTimings.STANDBY_JITTER);
    }

    @Test
    void timingsTheElectorCannotWorkWithAreRefusedWithTheRule() {
        assertThatThrownBy(() -> LeaseTimings.parse("10s", "10s", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the lease duration (10s) must be longer than the renew deadline (10s)");
        assertThatThrownBy(() -> LeaseTimings.parse(null, "2s", "2s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the renew deadline (2s) must be longer than 1.2 times the retry period (2000ms)");
        assertThatThrownBy(() -> LeaseTimings.parse("fast", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fast' is not a duration");
        assertThatThrownBy(() -> new LeaseTimings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }

    @Test
    void parseKeepsTheDefaultOfWhatIsNotGiven() {
        assertThat(LeaseTimings.parse(null, null, null)).isEqualTo(LeaseTimings.DEFAULTS);
        assertThat(LeaseTimings.parse("30s", "20s", "1s"))
                .isEqualTo(new LeaseTimings(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(1)));
    }
}
