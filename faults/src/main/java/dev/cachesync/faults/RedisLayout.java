package dev.cachesync.faults;

import java.util.Locale;

/**
 * Which Redis the shared cache runs on in a fault run: one {@code redis-server} (the default), or a Redis Cluster of
 * 3 primaries and 3 replicas (cache-client's segmented layout). Chosen with {@code -Dfaults.redis=cluster}.
 */
public enum RedisLayout {
    STANDALONE, CLUSTER;

    /** {@code standalone} (or blank) and {@code cluster}, as {@code -Dfaults.redis} takes them. */
    public static RedisLayout of(String property) {
        String value = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "standalone" -> STANDALONE;
            case "cluster" -> CLUSTER;
            default -> throw new IllegalArgumentException("faults.redis must be standalone or cluster, was '"
                    + property + "'");
        };
    }

    public String property() {
        return name().toLowerCase(Locale.ROOT);
    }
}
