package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

    @Test
    void readsHostAndPort() {
        assertThat(Target.parse("example.org:7000")).isEqualTo(new Target("example.org", 7000));
        assertThat(Target.parse("[::1]:7000")).isEqualTo(new Target("::1", 7000));
        assertThat(Target.parse("[::1]:7000").toString()).isEqualTo("[::1]:7000");
    }

    @Test
    void aBarePortMeansLoopback() {
        assertThat(Target.parse("7000")).isEqualTo(new Target("127.0.0.1", 7000));
        assertThat(Target.parse(":7000")).isEqualTo(new Target("127.0.0.1", 7000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host:", "host:0", "host:70000", "host:http", "::1:7000", "[::1]7000", "", "[::1"})
    void rejectsWhatIsNotATarget(String text) {
        assertThatThrownBy(() -> Target.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a target: write host:port, e.g. 127.0.0.1:7000 or [::1]:7000");
    }
}
