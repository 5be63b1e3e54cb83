package dev.tether.loadtool.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.Test;

class LiveLineTest {

    @Test
    void withoutATerminalEveryUpdateIsAPlainLine() {
        StringWriter text = new StringWriter();
        LiveLine line = LiveLine.forOutput(new PrintWriter(text), false);

        line.show("[ 1.0s run ] connected 2/2");
        line.message("a message");
        line.show("[ 2.0s run ] connected 2/2");
        line.finish();

        assertThat(text.toString().lines()).containsExactly("[ 1.0s run ] connected 2/2", "a message", "[ 2.0s run ] connected 2/2");
    }

    @Test
    void onATerminalItIsAStatusLineAtTheBottomThatIsGoneAtTheEnd() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminal terminal = new ExternalTerminal("test", "xterm-256color", new ByteArrayInputStream(new byte[0]), screen,
                StandardCharsets.UTF_8)) {
            terminal.setSize(new Size(40, 10));
            LiveLine line = LiveLine.on(terminal);

            line.show("[ 1.0s run ] connected 1/2");
            line.message("a message above it");
            line.show("[ 2.0s run ] connected 2/2 and a tail wider than forty columns");
            line.finish();
        }

        String out = screen.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("[ 1.0s run ] connected 1/2").contains("a message above it")
                .contains("\u001b[1;9r") // the status line takes the bottom row: a scroll region above it
                .doesNotContain("\r[") // no carriage-return rewriting
                .doesNotContain("forty columns"); // cut to the terminal's width, not wrapped over the messages
        // At the end the row is cleared and given back, and the last progress stays as an ordinary line.
        int cleared = out.lastIndexOf("\u001b[K");
        int regionGivenBack = out.indexOf("\u001b[1;10r", cleared);
        assertThat(cleared).isPositive();
        assertThat(regionGivenBack).isGreaterThan(cleared);
        assertThat(out.indexOf("[ 2.0s run ] connected 2/2 and a tail w", regionGivenBack)).isGreaterThan(regionGivenBack);
    }

    @Test
    void aDumbTerminalGetsPlainLines() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, new ByteArrayInputStream(new byte[0]), screen,
                StandardCharsets.UTF_8)) {
            LiveLine line = LiveLine.on(terminal);
            line.show("one");
            line.show("two");
            line.finish();
        }
        assertThat(screen.toString(StandardCharsets.UTF_8).lines()).containsExactly("one", "two");
    }
}
