package dev.cachesync.catalog.product;

import java.util.Set;

/**
 * A precondition a write checks against the product's current state inside its transaction
 * (HTTP {@code If-Match} / {@code If-None-Match}). {@code current} is null when the product does not exist.
 */
@FunctionalInterface
public interface WriteCondition {
    boolean allows(Product current);

    static WriteCondition always() {
        return current -> true;
    }

    /** {@code If-Match: *}. */
    static WriteCondition exists() {
        return current -> current != null;
    }

    /** {@code If-None-Match: *}: create only. */
    static WriteCondition absent() {
        return current -> current == null;
    }

    /** {@code If-Match} with entity tags: the current version must be one of them. */
    static WriteCondition versionIn(Set<Long> versions) {
        Set<Long> copy = Set.copyOf(versions);
        return current -> current != null && copy.contains(current.version());
    }

    /** {@code If-None-Match} with entity tags: the current version must be none of them. */
    static WriteCondition versionNotIn(Set<Long> versions) {
        Set<Long> copy = Set.copyOf(versions);
        return current -> current == null || !copy.contains(current.version());
    }

    default WriteCondition and(WriteCondition other) {
        return current -> allows(current) && other.allows(current);
    }
}
