package dev.previews.policy;

import java.time.Duration;

/** A plan: how long previews live, how many may run per namespace, and what expiry does. */
public record Plan(String name, Duration ttl, int maxPreviews, ExpiryPolicy expiry) {}
