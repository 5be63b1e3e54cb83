package dev.tether.loadtool;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code loadtool} command: the reference server, the load generator, reports and the shell.
 * {@code main} exits with the code {@link CommandLine#execute} returns; see {@link ExitCodes}.
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
                CommandLine.HelpCommand.class
        })
public final class LoadTool implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.configure();
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, shared by {@code main} and the tests. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new LoadTool());
        cl.registerConverter(java.time.Duration.class, new DurationConverter());
        cl.setExitCodeExceptionMapper(ExitCodes::forException);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
