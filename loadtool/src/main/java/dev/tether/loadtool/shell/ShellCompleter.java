package dev.tether.loadtool.shell;

import java.util.List;
import java.util.Optional;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: command names first, then the options and argument words of the command typed
 * ({@code pushes on|off}, {@code request --timeout}, the options of {@code bench}), and command names
 * after {@code help}.
 */
final class ShellCompleter implements Completer {
    private final List<String> benchOptions;

    ShellCompleter(List<String> benchOptions) {
        this.benchOptions = List.copyOf(benchOptions);
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            for (CommandTable.Spec spec : CommandTable.COMMANDS) {
                candidates.add(new Candidate(spec.name(), spec.name(), "commands", spec.summary(), null, null, true));
            }
            return;
        }
        String command = CommandTable.canonical(line.words().get(0).toLowerCase(java.util.Locale.ROOT));
        if (command.equals("help")) {
            if (line.wordIndex() == 1) {
                CommandTable.COMMANDS.forEach(c -> candidates.add(new Candidate(c.name())));
            }
            return;
        }
        Optional<CommandTable.Spec> spec = CommandTable.find(command);
        if (spec.isEmpty()) {
            return;
        }
        List<String> options = command.equals("bench") ? benchOptions : spec.get().options();
        for (String option : options) {
            candidates.add(new Candidate(option, option, "options", null, null, null, true));
        }
        if (line.wordIndex() == 1) {
            spec.get().words().forEach(w -> candidates.add(new Candidate(w)));
        }
    }
}
