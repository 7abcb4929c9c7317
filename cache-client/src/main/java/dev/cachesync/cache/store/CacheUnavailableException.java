package dev.cachesync.cache.store;

/**
 * Redis is unreachable: a connection failure or a timeout (including Redis saying it cannot serve now: loading,
 * busy, read-only after a failover, out of memory). The caching client never lets it reach its callers and skips
 * Redis for a while. Faults of one operation are {@link CacheFaultException}s instead.
 */
public class CacheUnavailableException extends RuntimeException {

    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
