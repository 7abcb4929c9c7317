package dev.cachesync.cache.store;

import io.netty.buffer.Unpooled;
import org.redisson.client.codec.BaseCodec;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Decoder;
import org.redisson.client.protocol.Encoder;

/**
 * Codec of the scripts that carry entries: arguments are strings (UTF-8) or raw bytes (an encoded entry, an
 * invalidation message); bulk replies come back as bytes (an entry is binary, so it must not pass through a
 * string decoder).
 */
final class ScriptCodec extends BaseCodec {

    static final ScriptCodec INSTANCE = new ScriptCodec();

    private final Encoder encoder = in -> in instanceof byte[] bytes ? Unpooled.wrappedBuffer(bytes)
            : StringCodec.INSTANCE.getValueEncoder().encode(in);

    @Override
    public Decoder<Object> getValueDecoder() {
        return ByteArrayCodec.INSTANCE.getValueDecoder();
    }

    @Override
    public Encoder getValueEncoder() {
        return encoder;
    }
}
