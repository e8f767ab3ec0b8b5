package dev.previews.ci;

/**
 * An expected failure: the command prints the message (never a stack trace) and exits with the code.
 */
public final class CliFailure extends RuntimeException {
    private final int exitCode;

    public CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliFailure invalid(String message) {
        return new CliFailure(ExitCodes.INVALID_INPUT, message);
    }

    public static CliFailure error(String message) {
        return new CliFailure(ExitCodes.ERROR, message);
    }
}
