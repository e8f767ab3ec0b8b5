package dev.previews.devtools;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The dev tools' jar: the sandbox (the embedded default) and the benchmark. */
@Command(
        name = "preview-devtools",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Preview backends for every git branch, on Kubernetes: the sandbox and the benchmark.",
        subcommands = {SandboxCommand.class, BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        // the mock API server and some libraries log through java.util.logging
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"preview-devtools " + (v == null ? "dev" : v)};
        }
    }
}
