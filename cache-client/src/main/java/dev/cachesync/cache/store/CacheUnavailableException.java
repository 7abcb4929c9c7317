package dev.cachesync.cache.store;

/** Redis did not answer in time or failed. The caching client never lets it reach its callers. */
public class CacheUnavailableException extends RuntimeException {

    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
