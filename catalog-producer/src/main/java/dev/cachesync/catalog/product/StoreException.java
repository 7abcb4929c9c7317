package dev.cachesync.catalog.product;

/** The database failed; the write (if any) was rolled back. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
