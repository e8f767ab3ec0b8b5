package dev.previews.api;

/** Where a BlueGreen rollover stands (status.next.phase). */
public enum RolloverPhase {
    /** The incoming commit's backend is starting beside the serving one. */
    Provisioning,
    /** The incoming commit's backend is available; its seed runs against it. */
    Seeding,
    /** The incoming commit's seed failed: the serving commit stays, the incoming backend is deleted. */
    SeedFailed,
    /** The incoming commit's backend never became available: the serving commit stays. */
    Failed;

    public boolean failed() {
        return this == SeedFailed || this == Failed;
    }
}
