package dev.previews.packaging;

import dev.previews.ops.RunCommand;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Parses a container's args as the image's entry point does: `preview-operator run ...`. */
final class RunArgs {
    private RunArgs() {}

    static RunCommand parse(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("run")) {
            throw new AssertionError("the container's args must start with the run subcommand: " + args);
        }
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
        return run;
    }

    /** The value of --config (the option's field, whatever the configuration loader calls it otherwise). */
    static Path configOption(RunCommand run) {
        CommandLine.Model.OptionSpec option =
                new CommandLine(run).getCommandSpec().findOption("--config");
        if (option == null) throw new AssertionError("run has no --config option");
        Object value = option.getValue();
        return value == null ? null : Path.of(value.toString());
    }
}
