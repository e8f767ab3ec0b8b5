package dev.previews.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one jar's entry point: the operator, the sandbox, and (later) the CI commands. */
@Command(
    name = "preview-operator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Preview backends for every git branch, on Kubernetes.",
    subcommands = {RunCommand.class, SandboxCommand.class, dev.previews.ci.DeployCommand.class, dev.previews.ci.StatusCommand.class,
        dev.previews.ci.ListCommand.class, dev.previews.ci.DeleteCommand.class, dev.previews.ci.PruneCommand.class,
        BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
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
      return new String[] {"preview-operator " + (v == null ? "dev" : v)};
    }
  }
}
