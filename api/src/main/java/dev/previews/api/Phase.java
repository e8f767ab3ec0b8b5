package dev.previews.api;

/** One-word summary of a preview for printer columns; the conditions carry the detail. */
public enum Phase {
    Pending,
    Provisioning,
    Seeding,
    Ready,
    SeedFailed,
    Failed,
    LimitExceeded,
    Expired,
    Invalid,
    /** Scaled to zero: by spec.backend.replicas, or asleep after a time without activity. */
    Asleep
}
