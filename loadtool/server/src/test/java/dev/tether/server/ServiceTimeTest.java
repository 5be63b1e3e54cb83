package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {

    @Test
    void parsesTheThreeFormsAndPrintsThemBack() {
        assertThat(ServiceTime.parse("2ms")).isEqualTo(ServiceTime.fixed(Duration.ofMillis(2)));
        assertThat(ServiceTime.parse("exp:2ms")).isEqualTo(ServiceTime.exponential(Duration.ofMillis(2)));
        assertThat(ServiceTime.parse("uniform:1ms-5ms")).isEqualTo(ServiceTime.uniform(Duration.ofMillis(1), Duration.ofMillis(5)));
        assertThat(ServiceTime.parse("0").isZero()).isTrue();
        for (String s : new String[] {"2ms", "exp:2ms", "uniform:1ms-5ms", "250us"}) {
            assertThat(ServiceTime.parse(s)).hasToString(s);
        }
    }

    @Test
    void rejectsNonsenseNamingTheValue() {
        assertThatThrownBy(() -> ServiceTime.parse("fast")).hasMessageContaining("'fast'").hasMessageContaining("exp:2ms");
        assertThatThrownBy(() -> ServiceTime.parse("uniform:5ms")).hasMessageContaining("uniform:5ms");
        assertThatThrownBy(() -> ServiceTime.parse("uniform:5ms-1ms")).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> ServiceTime.parse("exp:")).hasMessageContaining("exp:");
    }

    @Test
    void samplesFollowTheirDistribution() {
        SplittableRandom random = new SplittableRandom(1);
        ServiceTime fixed = ServiceTime.fixed(Duration.ofMillis(3));
        ServiceTime uniform = ServiceTime.uniform(Duration.ofMillis(1), Duration.ofMillis(5));
        ServiceTime exp = ServiceTime.exponential(Duration.ofMillis(2));
        int n = 100_000;
        double uniformSum = 0;
        double expSum = 0;
        for (int i = 0; i < n; i++) {
            assertThat(fixed.sampleNanos(random)).isEqualTo(3_000_000);
            long u = uniform.sampleNanos(random);
            assertThat(u).isBetween(1_000_000L, 5_000_000L);
            uniformSum += u;
            long e = exp.sampleNanos(random);
            assertThat(e).isNotNegative();
            expSum += e;
        }
        // Means within 2% (standard errors are ~0.2% and ~0.3% here).
        assertThat(uniformSum / n).isCloseTo(3_000_000, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(expSum / n).isCloseTo(2_000_000, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(exp.mean()).isEqualTo(Duration.ofMillis(2));
    }
}
