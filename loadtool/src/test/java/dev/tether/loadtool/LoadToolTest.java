package dev.tether.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line as a user meets it: usage errors, versions, help, completion candidates. */
class LoadToolTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int execute(String... args) {
        CommandLine cl = LoadTool.newCommandLine();
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    private List<String> errLines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"run --duration 5x", "run --rate -5", "run --clients 0", "run --target nohostport",
            "run --slo p99<<2", "run --mode sideways", "run --auth-token=", "report --bogus", "shell --bogus",
            "server --bogus"})
    void aBadOptionPrintsItsMessageAndWhereTheHelpIs(String line) {
        String[] args = line.split(" ");

        int code = execute(args);

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        List<String> lines = errLines();
        assertThat(lines).as(err.toString()).hasSizeBetween(2, 3);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Try 'loadtool " + args[0] + " --help'.");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Usage:");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aMisspeltOptionGetsASuggestion() {
        assertThat(execute("run", "--clinets", "3")).isEqualTo(ExitCodes.USAGE);
        assertThat(errLines()).containsExactly("Unknown options: '--clinets', '3'", "Possible solutions: --clients",
                "Try 'loadtool run --help'.");
    }

    @Test
    void noSubcommandIsAUsageErrorWithAShortUsage() {
        assertThat(execute()).isEqualTo(ExitCodes.USAGE);
        assertThat(errLines()).containsExactly("Usage: loadtool [-hV] [COMMAND]",
                "Commands: server, run, report, shell, proxy, help", "Try 'loadtool --help'.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "report", "shell", "server"})
    void everyCommandPrintsTheVersion(String command) {
        List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command));
        args.add("--version");

        assertThat(execute(args.toArray(new String[0]))).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("loadtool ").contains("Java ");
    }

    @Test
    void modesCompleteInLowerCaseAndParseInAnyCase() {
        CommandLine cl = LoadTool.newCommandLine();
        CommandLine run = cl.getSubcommands().get("run");
        List<String> candidates = new ArrayList<>();
        run.getCommandSpec().findOption("--mode").completionCandidates().forEach(candidates::add);

        assertThat(candidates).containsExactly("rate", "closed", "send", "push", "idle");
        // The bash/zsh script the build generates offers the same.
        assertThat(picocli.AutoComplete.bash("loadtool", LoadTool.newCommandLine()))
                .contains("(\"rate\" \"closed\" \"send\" \"push\" \"idle\") # --mode values");
        cl.parseArgs("run", "--mode", "CLOSED");
        assertThat(run.getCommandSpec().findOption("--mode").<Object>getValue()).hasToString("CLOSED");
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 100, 160})
    void runHelpKeepsEveryExampleOnOneLine(int width) {
        CommandLine run = LoadTool.newCommandLine().getSubcommands().get("run");
        run.getCommandSpec().usageMessage().autoWidth(false).width(width);

        String help = run.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help).contains("  loadtool run --target 10.0.0.5:7000 --source-address 10.0.0.2-10.0.0.9\n")
                .contains("  loadtool run --slo 'p99<20ms' --slo 'errors<0.1%' --html run.html\n")
                .contains("connect.p99<200ms").contains("errors<0.1%  rate>900");
        for (String line : help.lines().toList()) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(width);
        }
    }
}
