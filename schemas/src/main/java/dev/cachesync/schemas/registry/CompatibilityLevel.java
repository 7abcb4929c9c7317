package dev.cachesync.schemas.registry;

/** Compatibility rules of a Confluent-compatible registry. cachesync's subjects use {@link #BACKWARD}. */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE
}
