package dev.previews.api;

/** How a new commit replaces the backend that runs (spec.rollover; the plan's when unset). */
public enum Rollover {
    /** The old backend is deleted, then the new one is created and seeded: the URL answers nothing meanwhile. */
    Recreate,
    /**
     * The new backend starts beside the old one and is seeded; the preview's Service switches to it only
     * then, and a failed rollover keeps the old commit serving.
     */
    BlueGreen
}
