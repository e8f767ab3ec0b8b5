package dev.previews.ci;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The CI command's jar ({@code bin/preview}): deploy, status, list, delete, prune, extend, wake. */
@Command(
        name = "preview",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Preview backends for every git branch, on Kubernetes: the commands for CI and people.",
        subcommands = {
            DeployCommand.class,
            StatusCommand.class,
            ListCommand.class,
            DeleteCommand.class,
            PruneCommand.class,
            ExtendCommand.class,
            WakeCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // the kubectl plugin (bin/kubectl-preview) is "kubectl preview" in usage and errors
        String name = System.getProperty("preview.command");
        if (name != null && !name.isBlank()) cl.setCommandName(name);
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"preview " + (v == null ? "dev" : v)};
        }
    }
}
