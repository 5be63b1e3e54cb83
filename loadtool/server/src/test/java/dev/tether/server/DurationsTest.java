package dev.tether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "250us, 250000",
            "500ms, 500000000",
            "1.5s, 1500000000",
            "10s, 10000000000",
            "2m, 120000000000",
            "1m30s, 90000000000",
            "1h5m, 3900000000000",
            "1s500ms, 1500000000",
            "PT10S, 10000000000",
            "' 3s ', 3000000000",
    })
    void parsesWhatPeopleWrite(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @CsvSource({"5x", "s", "1m30", "-3s", "'', ", "PTxS", "1.s"})
    void rejectsWithTheValueAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text == null ? "" : text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration")
                .hasMessageContaining("1m30s");
    }

    @Test
    void formatsAsAPersonReadsItAndRoundTrips() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofNanos(250_000))).isEqualTo("250us");
        for (Duration d : new Duration[] {Duration.ofSeconds(3723), Duration.ofNanos(1_000_001), Duration.ofDays(2)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
