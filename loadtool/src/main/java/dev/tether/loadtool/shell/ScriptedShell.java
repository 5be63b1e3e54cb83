package dev.tether.loadtool.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The shell without a terminal ({@code loadtool shell < script.txt}): reads commands line by line and
 * prints plain results, no prompt, no line editing, no history. Blank lines and lines starting with
 * {@code #} are skipped. Stops at {@code exit} or the end of the input and closes the connection.
 */
final class ScriptedShell {
    private ScriptedShell() {
    }

    /**
     * @param initial connected to before the first command; null for none
     * @return 0 when every command succeeded, 1 ({@code RUN_FAILED}) when at least one failed
     */
    static int run(BufferedReader in, ShellSession session, Target initial) {
        boolean failed = false;
        try (session) {
            ShellCommands commands = new ShellCommands(session);
            if (initial != null) {
                failed = commands.connectAtStart(initial) == ShellCommands.Result.FAILED;
            }
            String line;
            while ((line = in.readLine()) != null) {
                ShellCommands.Result result = commands.execute(line);
                if (result == ShellCommands.Result.EXIT) {
                    break;
                }
                failed |= result == ShellCommands.Result.FAILED;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading commands failed", e);
        }
        return failed ? 1 : 0;
    }
}
