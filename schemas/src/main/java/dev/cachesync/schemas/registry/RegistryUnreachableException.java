package dev.cachesync.schemas.registry;

/** The registry could not be reached (connection refused, no answer within the timeout, I/O error). */
public final class RegistryUnreachableException extends SchemaRegistryException {

    private final String url;

    RegistryUnreachableException(String url, String detail, Throwable cause) {
        super("Schema registry at " + url + " is unreachable: " + detail, cause);
        this.url = url;
    }

    /** The URL that was called. */
    public String url() {
        return url;
    }
}
