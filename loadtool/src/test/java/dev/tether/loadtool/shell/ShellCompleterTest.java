package dev.tether.loadtool.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

class ShellCompleterTest {
    private final ShellCompleter completer = new ShellCompleter(List.of("--clients", "--duration"));

    private List<String> complete(String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, new DefaultParser().parse(line, line.length(), Parser.ParseContext.COMPLETE),
                candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void theFirstWordCompletesToEveryCommand() {
        assertThat(complete("")).containsExactlyElementsOf(
                CommandTable.COMMANDS.stream().map(CommandTable.Spec::name).toList());
        assertThat(complete("st")).contains("status");
    }

    @Test
    void laterWordsCompleteToTheCommandsOptionsAndWords() {
        assertThat(complete("pushes ")).containsExactlyInAnyOrder("on", "off");
        assertThat(complete("request ")).containsExactly("--timeout");
        assertThat(complete("connect h:1 --")).contains("--auth-token", "--tls", "--tls-ca", "--tls-insecure");
        assertThat(complete("bench --c")).containsExactly("--clients", "--duration");
        assertThat(complete("help ")).contains("request", "bench", "exit");
    }

    @Test
    void unknownCommandsCompleteToNothing() {
        assertThat(complete("frobnicate ")).isEmpty();
        assertThat(complete("status ")).isEmpty();
    }
}
