package dev.cachesync.cache.http;

/** Whether a response may be stored by a shared cache, and why (for logs and tests). */
public record Storability(boolean storable, String reason) {

    static Storability yes(String reason) {
        return new Storability(true, reason);
    }

    static Storability no(String reason) {
        return new Storability(false, reason);
    }
}
