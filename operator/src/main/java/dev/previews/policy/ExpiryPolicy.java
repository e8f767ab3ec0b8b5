package dev.previews.policy;

/** What happens to a preview when its time is up. */
public enum ExpiryPolicy {
    /** The preview is deleted; its children go with it through garbage collection. */
    Delete,
    /** Its workloads are deleted and the preview stays, phase Expired, until a new commit. */
    Deprovision
}
