package dev.previews.ci;

/**
 * The CI commands' exit codes, one per outcome a build script may want to tell apart. 2 is also
 * what picocli answers for a command line it cannot parse, so "invalid input" is one code.
 */
public final class ExitCodes {
    private ExitCodes() {}

    /** deploy: the preview is Ready. Other commands: done. */
    public static final int OK = 0;
    /** No kubeconfig, cluster unreachable, no permission, CRD not installed, preview changed by someone else, unexpected error. */
    public static final int ERROR = 1;
    /** Bad flags, no branch or commit, a spec the CLI or the operator refuses, a name or branch taken by another preview. */
    public static final int INVALID_INPUT = 2;
    /** The backend could not be provisioned (ProvisionFailed, UnknownPlan, Expired, ScaledToZero). */
    public static final int PROVISION_FAILED = 3;
    /** The seed failed; the backend stays provisioned. */
    public static final int SEED_FAILED = 4;
    /** The namespace is at its plan's deployment limit; the preview stays queued. */
    public static final int LIMIT_REACHED = 5;
    /** --timeout passed before the preview was Ready (or gone, for delete and prune). */
    public static final int TIMEOUT = 6;
    /** The build command given with --cmd exited non-zero. */
    public static final int COMMAND_FAILED = 7;
    /** status: no such preview. */
    public static final int NOT_FOUND = 8;
    /**
     * The operator cannot act on the preview: the API server keeps refusing its requests (Ready=False
     * ReconcileError: a permission taken from its role, a quota). It tries again by itself.
     */
    public static final int OPERATOR_REFUSED = 9;
}
