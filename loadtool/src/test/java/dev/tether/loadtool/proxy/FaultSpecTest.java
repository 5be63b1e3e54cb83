package dev.tether.loadtool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FaultSpecTest {

    @Test
    void eachFormParsesToItsFaultAndTime() {
        assertThat(FaultSpec.parse("cut every 5s").rules())
                .containsExactly(new FaultSpec.Rule(new Fault.Cut(), new FaultSpec.Every(Duration.ofSeconds(5))));
        assertThat(FaultSpec.parse("cut at 3s").rules())
                .containsExactly(new FaultSpec.Rule(new Fault.Cut(), new FaultSpec.At(Duration.ofSeconds(3))));
        assertThat(FaultSpec.parse("stall 10s every 30s").rules())
                .containsExactly(new FaultSpec.Rule(new Fault.Stall(Duration.ofSeconds(10)), new FaultSpec.Every(Duration.ofSeconds(30))));
        assertThat(FaultSpec.parse("delay 50ms").rules())
                .containsExactly(new FaultSpec.Rule(new Fault.Delay(Duration.ofMillis(50), Duration.ZERO), new FaultSpec.At(Duration.ZERO)));
        assertThat(FaultSpec.parse("  DELAY 50ms   jitter 10ms at 1m30s ").rules())
                .containsExactly(new FaultSpec.Rule(new Fault.Delay(Duration.ofMillis(50), Duration.ofMillis(10)),
                        new FaultSpec.At(Duration.ofSeconds(90))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cut every 5s", "cut at 3s", "stall 10s every 30s", "stall 2s at 1m30s", "delay 50ms",
            "delay 50ms jitter 10ms", "delay 1ms at 3s", "delay 20ms, cut every 5s, stall 1s every 1m"})
    void aSpecPrintsAsItIsWritten(String spec) {
        assertThat(FaultSpec.parse(spec)).hasToString(spec);
        assertThat(FaultSpec.parse(FaultSpec.parse(spec).toString())).isEqualTo(FaultSpec.parse(spec));
    }

    @Test
    void severalRulesKeepTheirOrderAndEachFaultKnowsItsName() {
        List<FaultSpec.Rule> rules = FaultSpec.parse("delay 20ms, cut every 5s, stall 1s at 2s").rules();
        assertThat(rules).extracting(r -> r.fault().name()).containsExactly("delay", "cut", "stall");
        assertThat(rules).extracting(r -> r.fault().description()).containsExactly("delay 20ms", "cut", "stall 1s");
        assertThat(FaultSpec.NONE).hasToString("none");
        assertThat(FaultSpec.NONE.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cut|'cut' needs 'every DURATION' or 'at DURATION'",
            "stall 10s|'stall 10s' needs 'every DURATION' or 'at DURATION'",
            "explode every 5s|unknown fault 'explode'",
            "cut every|expected a duration after 'every'",
            "cut every 5s now|unexpected 'now'",
            "cut every soon|soon",
            "cut every 0s|every must be positive: 0",
            "stall 0s at 1s|stall must be positive: 0",
            "stall 30s every 30s|a stall must be shorter than its period: stall 30s every 30s",
            "delay 50ms every 5s|a delay stays once set",
            "delay|expected a duration after 'delay'",
            "delay 50ms jitter|expected a duration after 'jitter'",
            "cut every 5s,|a rule is empty",
            "cut every 5s stall 1s|unexpected 'stall'"})
    void aBadSpecSaysWhatIsWrongAndListsTheAcceptedForms(String spec, String reason) {
        assertThatThrownBy(() -> FaultSpec.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad fault spec '" + spec.strip() + "': ")
                .hasMessageContaining(reason)
                .hasMessageEndingWith(FaultSpec.FORMS);
    }

    @Test
    void anEmptySpecIsRefusedWithTheForms() {
        assertThatThrownBy(() -> FaultSpec.parse(" ")).hasMessage("the fault spec is empty; " + FaultSpec.FORMS);
    }

    @Test
    void faultsRejectNonsenseWhenBuiltFromJava() {
        assertThatThrownBy(() -> new Fault.Delay(Duration.ofMillis(1), Duration.ofMillis(-1)))
                .hasMessage("jitter must not be negative: -1ms");
        assertThatThrownBy(() -> new FaultSpec.At(Duration.ofSeconds(-1))).hasMessageContaining("at must not be negative");
    }
}
