package dev.cachesync.cache.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.redisson.RedissonObject;

/**
 * How the cache's keys are split for Redis Cluster (docs/protocol.md, "Segmented layout"). Standalone Redis has
 * one segment whose layout is exactly {@link KeyLayout} under the prefix, as before. On a cluster, the cache is
 * split into {@code count} segments: segment {@code i}'s keys all live under the prefix {@code {<tag i>}:}, so they
 * share one hash tag, hence one slot, and every script of the protocol runs within one segment unchanged. An entry
 * key belongs to segment {@code CRC32(key as UTF-8) mod count}; its entry, tag-set memberships, expiry score, key
 * fence and fill lock live there. A tag may have a set and a fence in every segment.
 *
 * <p>Spreading the segments over the primaries: segment {@code i}'s hash tag is chosen (deterministically, every
 * instance computes the same) so that its slot falls in the middle half of the {@code i}-th of {@code count} equal
 * slot ranges. A cluster built with equal contiguous slot ranges per primary ({@code redis-cli --cluster create},
 * managed services) then gives every primary {@code count / primaries} segments, give or take one. The tag is
 * {@code <prefix>s<i>}, or {@code <prefix>s<i>~<n>} with the smallest {@code n} that lands in range.
 */
public final class Segments {

    /** Default segment count on a cluster: divides evenly over 1, 2, 3, 4, 6 or 12 primaries. */
    public static final int DEFAULT_CLUSTER_SEGMENTS = 12;
    /** More would make every purge a call per segment too many; a segment per slot makes no sense anyway. */
    public static final int MAX_SEGMENTS = 1024;
    static final int SLOTS = 16384;

    private final KeyLayout base;
    private final List<KeyLayout> layouts;
    private final boolean clustered;
    private final String invalidationTopic;

    private Segments(KeyLayout base, List<KeyLayout> layouts, boolean clustered, String invalidationTopic) {
        this.base = base;
        this.layouts = List.copyOf(layouts);
        this.clustered = clustered;
        this.invalidationTopic = invalidationTopic;
    }

    /** One segment, the layout of standalone Redis (byte for byte what releases before segments used). */
    public static Segments standalone(String prefix) {
        KeyLayout layout = new KeyLayout(prefix);
        return new Segments(layout, List.of(layout), false,
                RedissonObject.suffixName(layout.entries(), "topic"));
    }

    /**
     * {@code count} segments for Redis Cluster. Every instance, the invalidator and the cache manager must use the
     * same prefix and count: one with another count would look for keys in other segments.
     */
    public static Segments cluster(String prefix, int count) {
        KeyLayout base = new KeyLayout(prefix);
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("on Redis Cluster the key prefix must not contain '{' or '}' (each "
                    + "segment gets its own hash tag), was '" + prefix + "'");
        }
        if (count < 1 || count > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment count must be 1-" + MAX_SEGMENTS + ", was " + count);
        }
        List<KeyLayout> layouts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            layouts.add(new KeyLayout("{" + hashTag(prefix, i, count) + "}:"));
        }
        // One channel for every segment: PUBLISH on a cluster reaches every node whatever the channel's slot, so
        // a near cache needs one subscription, not one per segment.
        return new Segments(base, layouts, true, prefix + "invalidations");
    }

    /** The hash tag of segment {@code index} of {@code count}: see the class comment. */
    static String hashTag(String prefix, int index, int count) {
        int from = (int) ((long) index * SLOTS / count);
        int to = (int) ((long) (index + 1) * SLOTS / count);
        int quarter = (to - from) / 4;
        int low = from + quarter;
        int high = to - quarter; // exclusive
        String tag = prefix + "s" + index;
        for (int salt = 1; ; salt++) {
            int slot = slot(tag);
            if (slot >= low && slot < high) {
                return tag;
            }
            tag = prefix + "s" + index + "~" + salt;
        }
    }

    public boolean clustered() {
        return clustered;
    }

    /** The layout under the configured prefix (standalone: the only segment's). */
    public KeyLayout base() {
        return base;
    }

    public int count() {
        return layouts.size();
    }

    public List<KeyLayout> all() {
        return layouts;
    }

    /** The segment of an entry key. */
    public int indexOf(String entryKey) {
        if (layouts.size() == 1) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(entryKey.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % layouts.size());
    }

    /** The layout of the segment that holds {@code entryKey}. */
    public KeyLayout of(String entryKey) {
        return layouts.get(indexOf(Objects.requireNonNull(entryKey, "entryKey")));
    }

    /**
     * The near-cache invalidation channel: standalone, Redisson's topic of the entries map
     * ({@code {<prefix>entries}:topic}); on a cluster, {@code <prefix>invalidations} for every segment.
     */
    public String invalidationTopic() {
        return invalidationTopic;
    }

    /** The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag (or of the key without one), mod 16384. */
    public static int slot(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                start = open + 1;
                end = close;
            }
        }
        int crc = 0;
        for (int i = start; i < end; i++) {
            crc ^= (bytes[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc % SLOTS;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What {@link KeyLayout#layoutRecord()} holds for this layout: {@code standalone}, or {@code segments=<count>}
     * on a cluster. Two stores of one prefix share entries only when these are equal.
     */
    public String describe() {
        return clustered ? "segments=" + layouts.size() : "standalone";
    }

    @Override
    public String toString() {
        return clustered ? layouts.size() + " segments under " + base.prefix() : "standalone under " + base.prefix();
    }
}
