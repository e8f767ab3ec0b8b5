package dev.previews.api;

/** Condition types and reasons of a PreviewDeployment (DESIGN.md). */
public final class Conditions {
    private Conditions() {}

    public static final String PROVISIONED = "Provisioned";
    public static final String SEEDED = "Seeded";
    public static final String SEED_FAILED = "SeedFailed";
    public static final String READY = "Ready";
    /** True from expiresAt - the plan's warnBefore until the preview expires or is extended. */
    public static final String EXPIRING = "Expiring";
    /** A BlueGreen rollover: True once the Service switched to the new commit, False while under way or failed. */
    public static final String ROLLED_OVER = "RolledOver";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** Reasons of the Provisioned condition. */
    public static final class Provisioned {
        private Provisioned() {}

        public static final String PROVISIONING = "Provisioning";
        public static final String RECREATING = "Recreating";
        public static final String AVAILABLE = "Available";
        public static final String PROVISION_FAILED = "ProvisionFailed";
        public static final String DEPLOYMENT_LIMIT_EXCEEDED = "DeploymentLimitExceeded";
        public static final String BRANCH_CONFLICT = "BranchConflict";
        public static final String EXPIRED = "Expired";
        public static final String INVALID_SPEC = "InvalidSpec";
        public static final String UNKNOWN_PLAN = "UnknownPlan";
        /** spec.backend.replicas is 0: nothing serves the preview. */
        public static final String SCALED_TO_ZERO = "ScaledToZero";
        /** Scaled to zero after the plan's sleepAfter without activity, or outside its awake hours. */
        public static final String ASLEEP = "Asleep";
        /** A request the API server keeps refusing (or that failed past the retries). */
        public static final String RECONCILE_ERROR = "ReconcileError";
    }

    /** Reasons of the Seeded and SeedFailed conditions. */
    public static final class Seed {
        private Seed() {}

        public static final String NO_SEED = "NoSeed";
        public static final String WAITING = "WaitingForBackend";
        public static final String SEEDING = "Seeding";
        public static final String SUCCEEDED = "SeedSucceeded";
        public static final String FAILED = "SeedFailed";
        public static final String NOT_FAILED = "NoFailure";
        public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
        public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
        /** The preview expired: its backend and what was seeded into it are gone. */
        public static final String EXPIRED = "Expired";
    }

    /** Reasons of the Expiring condition. */
    public static final class Expiring {
        private Expiring() {}

        public static final String SOON = "ExpiresSoon";
        public static final String LATER = "ExpiresLater";
    }

    /** Reasons of the RolledOver condition. */
    public static final class RolledOver {
        private RolledOver() {}

        /** The incoming commit's backend is starting or being seeded beside the serving one. */
        public static final String ROLLING_OVER = "RollingOver";
        /** The Service serves the new commit; the old backend was deleted. */
        public static final String SWITCHED = "Switched";
        /** The incoming commit's seed failed: the old commit keeps serving. */
        public static final String SEED_FAILED = "SeedFailed";
        /** The incoming commit's backend never became available: the old commit keeps serving. */
        public static final String PROVISION_FAILED = "ProvisionFailed";
    }

    /** Reasons of the Ready condition besides the blocking reason of Provisioned or Seeded. */
    public static final class Ready {
        private Ready() {}

        public static final String READY = "Ready";
        public static final String RECONCILE_ERROR = Provisioned.RECONCILE_ERROR;
    }
}
