package dev.cachesync.cache.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import org.redisson.cache.LocalCachedMapClear;
import org.redisson.misc.Hash;

/**
 * Near-cache invalidation messages in Redisson's {@code RLocalCachedMap} wire format, so cachesync's scripts and
 * any Redisson local cached map on the same hash invalidate each other: the channel is the map's topic
 * ({@code {<entries>}:topic}; on Redis Cluster one channel for every segment, {@link Segments#invalidationTopic()}), a message is {@code 0x01, 16-byte sender id, int count, count x 16-byte key hash}
 * (Redisson's {@code LocalCachedMessageCodec}), a key hash is HighwayHash-128 of the key's UTF-8 bytes (what
 * Redisson computes from the map-key codec, {@link EntryCodec} encoding keys as UTF-8 strings).
 */
final class Invalidations {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte INVALIDATE = 0x1;

    private final String topic;
    /** This store's sender id: its own messages are skipped by its near cache (it updates it itself). */
    private final byte[] senderId = new byte[16];

    /** {@code topic}: {@link Segments#invalidationTopic()}. */
    Invalidations(String topic) {
        this.topic = topic;
        RANDOM.nextBytes(senderId);
    }

    String topic() {
        return topic;
    }

    boolean isMine(byte[] excludedId) {
        return Arrays.equals(senderId, excludedId);
    }

    /** The message that invalidates {@code keys} everywhere but here. */
    byte[] message(Collection<String> keys) {
        ByteBuffer out = ByteBuffer.allocate(1 + 16 + 4 + 16 * keys.size());
        out.put(INVALIDATE).put(senderId).putInt(keys.size());
        for (String key : keys) {
            out.put(hash(key).bytes());
        }
        return out.array();
    }

    /**
     * Redisson's "clear the local cache" message from this sender, without asking receivers to acknowledge it
     * (Redisson's own {@code clearLocalCache()} waits for acknowledgements, which cache-client's listener does
     * not send).
     */
    LocalCachedMapClear clearMessage() {
        byte[] requestId = new byte[16];
        RANDOM.nextBytes(requestId);
        return new LocalCachedMapClear(senderId, requestId, false);
    }

    static KeyHash hash(String key) {
        return hash(key.getBytes(StandardCharsets.UTF_8));
    }

    static KeyHash hash(byte[] encodedKey) {
        ByteBuf buf = Unpooled.wrappedBuffer(encodedKey);
        try {
            return new KeyHash(Hash.hash128toArray(buf));
        } finally {
            buf.release();
        }
    }

    /** A 16-byte key hash with value equality. */
    record KeyHash(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyHash other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
