package dev.cachesync.cache.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Every Redis key name cachesync uses, under one prefix (default {@code catalog-cache:}; on Redis Cluster, a
 * segment's prefix {@code {catalog-cache:s<i>}:}, see {@link Segments}). Nothing else
 * builds key names, so the invalidator, the cache manager and every client agree on the layout.
 *
 * <pre>
 * {prefix}entries        hash behind the Redisson RLocalCachedMap: entry key -> CacheEntry
 * {prefix}entries:topic  ... and Redisson's invalidation topic (named by Redisson)
 * {prefix}tag:{tag}      set of entry keys carrying the tag
 * {prefix}expiry         sorted set: entry key scored by the time it may leave the store (epoch ms)
 * {prefix}sequence       the global purge sequence (INCR)
 * {prefix}epoch          the sequence when this Redis dataset began: gone or newer after a data loss (fill check)
 * {prefix}fences         hash: tag -> sequence of its last purge; "key {entry key}" -> same for key purges;
 *                        "pruned below" -> the highest fence value pruned so far (a fence on every entry)
 * {prefix}lock:{key}     fill lock (a lease) or the end marker of the last fill (docs/protocol.md)
 * {prefix}lockwait:{key} flag: another instance waits for the fill holding that lock (its end is published)
 * {prefix}applied        hash: invalidator input partition ("topic-partition") -> highest offset purged
 * </pre>
 */
public final class KeyLayout {

    public static final String DEFAULT_PREFIX = "catalog-cache:";

    private final String prefix;

    public KeyLayout(String prefix) {
        Objects.requireNonNull(prefix, "keyPrefix");
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("keyPrefix must not be blank");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public String entries() {
        return prefix + "entries";
    }

    public String tagSet(String tag) {
        return prefix + "tag:" + tag;
    }

    public String expiryIndex() {
        return prefix + "expiry";
    }

    public String sequence() {
        return prefix + "sequence";
    }

    /**
     * The data epoch: created with the sequence's value when a fill finds it missing, so it changes (or is absent)
     * whenever Redis lost its data; a fill started under another epoch is refused (docs/protocol.md, "Fill").
     */
    public String epoch() {
        return prefix + "epoch";
    }

    public String fences() {
        return prefix + "fences";
    }

    /**
     * How the cache under this prefix is laid out ({@code standalone} or {@code segments=<n>}): recorded by the
     * first store that finds it missing, checked by every other ({@link Segments#describe()}, docs/protocol.md,
     * "Picking S"). Outside every segment: one key per prefix.
     */
    public String layoutRecord() {
        return prefix + "layout";
    }

    /** The fence field of a key purge; a space cannot occur in a tag, so it never collides with one. */
    public static String keyFenceField(String entryKey) {
        return "key " + entryKey;
    }

    /**
     * The fence field that stands for every pruned fence: the highest value pruned so far. It fences every tag
     * and key at once, so dropping a fence never lets through a fill that the dropped fence would have stopped.
     * A space cannot occur in a tag and it does not start with "key ", so it collides with no other field.
     */
    public static final String PRUNED_FENCE_FLOOR_FIELD = "pruned below";

    /** Where the invalidator records, per input partition, the highest offset whose purge Redis holds. */
    public String appliedOffsets() {
        return prefix + "applied";
    }

    public String fillLock(String entryKey) {
        return prefix + "lock:" + entryKey;
    }

    /**
     * Set while another instance waits for the fill holding {@link #fillLock}: the fill's end is then published on
     * the invalidation topic, so the waiters look at once instead of at their next poll.
     */
    public String fillLockWaiters(String entryKey) {
        return prefix + "lockwait:" + entryKey;
    }

    /**
     * The cache key of a URL, the one normalisation every fill, read and purge uses (RFC 3986 6.2.2, 6.2.3):
     * scheme and host in lower case, the scheme's default port dropped, an empty path as {@code /}, dot segments
     * removed, percent-encoding with upper-case hex and unreserved characters decoded, the fragment dropped.
     * So {@code http://CATALOG:80/p/%7e1#top} and {@code http://catalog/p/~1} are one entry.
     */
    public static String entryKey(URI url) {
        URI u = url.normalize();
        if (!u.isAbsolute() || u.isOpaque() || u.getRawAuthority() == null) {
            return new StringBuilder(u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT) + ":")
                    .append(normalizeEscapes(u.getRawSchemeSpecificPart())).toString();
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        StringBuilder key = new StringBuilder(scheme).append("://");
        if (u.getHost() == null) { // a registry-based authority: keep it, lower-cased
            key.append(u.getRawAuthority().toLowerCase(Locale.ROOT));
        } else {
            if (u.getRawUserInfo() != null) {
                key.append(normalizeEscapes(u.getRawUserInfo())).append('@');
            }
            key.append(u.getHost().toLowerCase(Locale.ROOT));
            int port = u.getPort();
            if (port >= 0 && port != defaultPort(scheme)) {
                key.append(':').append(port);
            }
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        key.append(normalizeEscapes(path));
        if (u.getRawQuery() != null) {
            key.append('?').append(normalizeEscapes(u.getRawQuery()));
        }
        return key.toString();
    }

    /** {@link #entryKey(URI)} of a key given as text (a purge command's key); text that is not a URI is kept. */
    public static String entryKey(String urlOrKey) {
        try {
            return entryKey(new URI(urlOrKey));
        } catch (URISyntaxException e) {
            return urlOrKey;
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    /** Percent-escapes with upper-case hex; escapes of unreserved characters (A-Z a-z 0-9 - . _ ~) decoded. */
    private static String normalizeEscapes(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                int value = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                if (isUnreserved((char) value)) {
                    out.append((char) value);
                } else {
                    out.append('%').append(raw.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
