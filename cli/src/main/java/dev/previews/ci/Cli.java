package dev.previews.ci;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs the jar's command line in-process with a given {@link Terminal} and writers: what the tests
 * use instead of spawning a JVM. {@code Main.execute} is the same command line with the real
 * environment.
 */
public final class Cli {
    private Cli() {}

    public static int run(Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = defaults.create(cls);
                if (made instanceof CiCommand command) {
                    command.terminal = terminal;
                }
                return made;
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }
}
