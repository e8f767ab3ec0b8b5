package dev.previews.ci;

/**
 * An expected failure: the command prints the message (never a stack trace) and exits with the code.
 */
public final class CliFailure extends RuntimeException {
    private final int exitCode;
    private final String summary;

    public CliFailure(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /** With a one-line summary for reports that have little room (a GitHub deployment status). */
    public CliFailure(int exitCode, String message, String summary) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.summary = summary;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The summary, else the message's first line. */
    public String summary() {
        if (summary != null) return summary;
        String m = getMessage() == null ? "" : getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    public static CliFailure invalid(String message) {
        return new CliFailure(ExitCodes.INVALID_INPUT, message);
    }

    public static CliFailure error(String message) {
        return new CliFailure(ExitCodes.ERROR, message);
    }
}
