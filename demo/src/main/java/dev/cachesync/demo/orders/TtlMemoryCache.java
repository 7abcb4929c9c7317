package dev.cachesync.demo.orders;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The "before" of the guide: a per-instance in-memory map that keeps a response for its {@code max-age} and knows
 * nothing of changes in the catalog. Pure (the clock is passed in), so its policy is unit-tested.
 */
public final class TtlMemoryCache {
    private record Entry(int status, byte[] body, long expiresAtNanos) {
    }

    /** A cached response. */
    public record Cached(int status, byte[] body) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public TtlMemoryCache(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** The response stored for {@code key} if it is still within its max-age. */
    public Cached get(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (nanoClock.getAsLong() - entry.expiresAtNanos >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return new Cached(entry.status, entry.body);
    }

    /**
     * Stores a 200 response for its {@code max-age} counted from {@code requestedAtNanos}; anything without a
     * positive max-age, or marked no-store / no-cache / private, is not stored.
     */
    public void put(String key, int status, byte[] body, String cacheControl, long requestedAtNanos) {
        if (status != 200) {
            return;
        }
        OptionalLong maxAge = maxAgeSeconds(cacheControl);
        if (maxAge.isEmpty() || maxAge.getAsLong() <= 0) {
            return;
        }
        entries.put(key, new Entry(status, body, requestedAtNanos + maxAge.getAsLong() * 1_000_000_000L));
    }

    public int size() {
        return entries.size();
    }

    /** {@code max-age} of a Cache-Control value; empty when absent or when the response must not be reused. */
    static OptionalLong maxAgeSeconds(String cacheControl) {
        if (cacheControl == null) {
            return OptionalLong.empty();
        }
        OptionalLong maxAge = OptionalLong.empty();
        for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
            String d = directive.trim();
            if (d.equals("no-store") || d.equals("no-cache") || d.equals("private")) {
                return OptionalLong.empty();
            }
            if (d.startsWith("max-age=")) {
                try {
                    maxAge = OptionalLong.of(Long.parseLong(d.substring("max-age=".length()).replace("\"", "")));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty(); // a malformed max-age means: do not reuse
                }
            }
        }
        return maxAge;
    }
}
