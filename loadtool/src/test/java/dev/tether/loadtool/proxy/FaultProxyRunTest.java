package dev.tether.loadtool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.loadtool.ExitCodes;
import dev.tether.loadtool.LoadTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loadtool run --fault-proxy}: the run starts the proxy in front of the embedded server and reports what it did. */
class FaultProxyRunTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @Test
    void aRunThroughTheProxyIsCutWhileTrafficFlowsAndSaysSo(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("run.json");
        int code = commandLine().execute("run", "--clients", "20", "--rate", "200", "--warmup", "0", "--duration", "3s",
                "--fault-proxy", "cut every 1s", "--json", json.toString());

        String text = out.toString();
        assertThat(code).as(text + err).isEqualTo(ExitCodes.OK);
        assertThat(text).contains("Fault proxy 'cut every 1s' on 127.0.0.1:").contains("] cut: closed ");
        // The proxy ran for the ramp and the 3 s measured: at least two cuts struck, and the clients came back.
        Matcher summary = Pattern.compile("fault proxy +'cut every 1s': (\\d+) connections \\(\\d+ open, 0 target failures, "
                + "(\\d+) cut\\), .* to the target, .* back; faults: cut (\\d+)")
                .matcher(text.replaceAll("\n {14}", " ")); // the summary wraps long values under their column
        assertThat(summary.find()).as(text).isTrue();
        long accepted = Long.parseLong(summary.group(1));
        long cut = Long.parseLong(summary.group(2));
        long cuts = Long.parseLong(summary.group(3));
        assertThat(cuts).isGreaterThanOrEqualTo(2);
        assertThat(cut).isPositive();
        // 20 warm-up connections (closed again before the ramp) and 20 clients; every one after those is a reconnect.
        assertThat(accepted).isGreaterThan(40);
        Matcher reconnects = Pattern.compile("(\\d+) reconnects").matcher(text);
        assertThat(reconnects.find()).isTrue();
        assertThat(Long.parseLong(reconnects.group(1))).isPositive();
        assertThat(Files.readString(json)).contains("\"faultProxy\" : \"'cut every 1s': ");
    }

    @Test
    void aBadSpecIsAUsageErrorBeforeAnythingStarts() {
        int code = commandLine().execute("run", "--fault-proxy", "stall every 5s");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("bad fault spec 'stall every 5s'").contains(FaultSpec.FORMS);
        assertThat(out.toString()).doesNotContain("started the reference server");
    }
}
