package dev.tether.loadtool;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code loadtool} command: the reference server, the load generator, reports and the shell.
 * {@code main} configures logging once ({@link CliLogging}) and exits with the code {@link CommandLine#execute}
 * returns; see {@link ExitCodes}.
 */
@Command(name = "loadtool",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Tether's load tool: a reference server, a load generator for long-lived TCP connections, reports and an interactive shell.",
        subcommands = {
                ServerCommand.class,
                dev.tether.loadtool.run.RunCommand.class,
                dev.tether.loadtool.report.ReportCommand.class,
                dev.tether.loadtool.shell.ShellCommand.class,
                dev.tether.loadtool.proxy.ProxyCommand.class,
                CommandLine.HelpCommand.class
        })
public final class LoadTool implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.configure();
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The configured command line, shared by {@code main} and the tests: durations in Tether's forms, the exit
     * codes of {@link ExitCodes}, a bad option answered with its message and a pointer to the help (not the whole
     * help), and {@code --version} on every subcommand.
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new LoadTool());
        cl.registerConverter(java.time.Duration.class, new DurationConverter());
        cl.setExitCodeExceptionMapper(ExitCodes::forException);
        cl.setParameterExceptionHandler(LoadTool::badUsage);
        giveEveryCommandTheVersion(cl);
        return cl;
    }

    /**
     * A usage error: its one-line message, picocli's suggestions for a misspelt option, and where the help is;
     * exit code {@link ExitCodes#USAGE}. The whole help would scroll the reason off the screen.
     */
    static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(e.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static void giveEveryCommandTheVersion(CommandLine cl) {
        if (cl.getCommandSpec().versionProvider() == null) {
            cl.getCommandSpec().versionProvider(new VersionProvider());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            giveEveryCommandTheVersion(sub);
        }
    }

    /** {@code loadtool} alone: the synopsis and the subcommands' names, on standard error, exit code 2. */
    @Override
    public Integer call() {
        CommandLine.Help help = spec.commandLine().getHelp();
        PrintWriter err = spec.commandLine().getErr();
        err.print(help.synopsisHeading());
        err.print(help.synopsis(help.synopsisHeadingLength()));
        err.println("Commands: " + String.join(", ", spec.subcommands().keySet()));
        err.println("Try 'loadtool --help'.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
