package dev.cachesync.cache.catalog;

/** The catalog answered something other than a product or a 404, or could not be reached. */
public class CatalogException extends RuntimeException {

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
