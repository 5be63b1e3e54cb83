package dev.tether.loadtool.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunParametersTest {
    @Test
    void theDescriptionNamesWhatTheModeUses() {
        RunParameters rate = new RunParameters("rate", 200, 2000, 2000, 10_000, 2_000, 64, 1, 10_000, 0, 0, 10, "1", "");
        RunParameters push = new RunParameters("push", 10, 500, 0, 90_000, 0, 64, 1, 10_000, 1_000, 20, 10, "1", "");

        assertThat(rate.describe()).isEqualTo(
                "rate 2000/s, 200 clients (connect 2000/s), 64 B payload, 1 outstanding, 10s measured + 2s warm-up, request timeout 10s");
        assertThat(push.describe()).isEqualTo(
                "push, 20 pushes/s per client, 10 clients (connect 500/s), 1m30s measured, no warm-up, heartbeat 1s");
    }

    @Test
    void theTextFormRoundTripsAndAnOlderLogHasNone() {
        RunParameters p = new RunParameters("send", 7, 12.5, 300.5, 1_500, 250, 1024, 3, 2_000, 0, 0, 5, "2.0",
                "loadtool run --mode send --rate 300.5");

        assertThat(RunParameters.fromText(p.toText())).isEqualTo(p);
        assertThat(RunParameters.fromText(java.util.Map.of())).isNull();
    }
}
