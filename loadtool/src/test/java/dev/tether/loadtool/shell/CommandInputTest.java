package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandInputTest {

    @Test
    void splitsTheNameAndKeepsTheRestVerbatim() {
        CommandInput in = CommandInput.parse("  REQUEST  hello   world  ");
        assertThat(in.name()).isEqualTo("request");
        assertThat(in.rest()).isEqualTo("hello   world");
        assertThat(in.words()).containsExactly("hello", "world");
    }

    @Test
    void blankLinesAndCommentsAreBlank() {
        assertThat(CommandInput.parse("   ").isBlank()).isTrue();
        assertThat(CommandInput.parse("# a comment").isBlank()).isTrue();
        assertThat(CommandInput.parse(null).isBlank()).isTrue();
        assertThat(CommandInput.parse("status").rest()).isEmpty();
        assertThat(CommandInput.parse("status").words()).isEmpty();
    }

    @Test
    void leadingOptionsAreTakenOffAndThePayloadKeptVerbatim() {
        CommandInput.Parsed p = CommandInput.parse("request --timeout 2s hello  there")
                .options(Set.of("--timeout"), Set.of());
        assertThat(p.options()).isEqualTo(Map.of("--timeout", "2s"));
        assertThat(p.rest()).isEqualTo("hello  there");

        p = CommandInput.parse("connect --tls --auth-token=s3cret h:1").options(Set.of("--auth-token"), Set.of("--tls"));
        assertThat(p.has("--tls")).isTrue();
        assertThat(p.get("--auth-token")).isEqualTo("s3cret");
        assertThat(p.rest()).isEqualTo("h:1");
    }

    @Test
    void doubleDashEndsTheOptions() {
        CommandInput.Parsed p = CommandInput.parse("request -- --not-an-option").options(Set.of("--timeout"), Set.of());
        assertThat(p.options()).isEmpty();
        assertThat(p.rest()).isEqualTo("--not-an-option");
    }

    @Test
    void anUnknownOptionNamesTheKnownOnes() {
        assertThatThrownBy(() -> CommandInput.parse("request --timout 2s x").options(Set.of("--timeout"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --timout for request; options: --timeout; "
                        + "put -- before a payload that starts with --");
    }

    @Test
    void anOptionWithoutItsValueIsAnError() {
        assertThatThrownBy(() -> CommandInput.parse("request --timeout").options(Set.of("--timeout"), Set.of()))
                .hasMessage("--timeout needs a value");
    }
}
