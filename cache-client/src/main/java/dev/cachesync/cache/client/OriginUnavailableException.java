package dev.cachesync.cache.client;

/** The origin could not be reached and nothing stored may stand in for it. Never a cache error. */
public class OriginUnavailableException extends RuntimeException {

    public OriginUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
