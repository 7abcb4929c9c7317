package dev.cachesync.cache.store;

/**
 * One Redis operation failed for a reason of its own, not because Redis is unreachable: an entry that cannot be
 * decoded, a command or script Redis refused, an interrupted caller. It concerns that request only: the caching
 * client drops the entry where the entry is at fault, answers from the origin and keeps using Redis.
 */
public class CacheFaultException extends RuntimeException {

    public enum Kind {
        /** The stored entry cannot be decoded (corrupt, or written by an incompatible codec). */
        BAD_ENTRY,
        /** Redis answered with an error (a script error, a key of the wrong type). */
        REFUSED,
        /** The calling thread was interrupted while waiting for Redis. */
        INTERRUPTED
    }

    private final Kind kind;

    public CacheFaultException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
