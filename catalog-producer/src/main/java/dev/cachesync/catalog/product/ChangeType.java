package dev.cachesync.catalog.product;

/** Mirrors the Avro {@code ProductEventType}. */
public enum ChangeType {
    CREATED, UPDATED, DELETED
}
