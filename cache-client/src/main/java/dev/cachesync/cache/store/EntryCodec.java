package dev.cachesync.cache.store;

import dev.cachesync.cache.http.Headers;
import dev.cachesync.cache.http.StoredResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.redisson.client.codec.BaseCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Decoder;
import org.redisson.client.protocol.Encoder;

/**
 * Redisson codec of the entries map: keys are plain UTF-8 strings (so scripts and people can read them),
 * values a compact versioned binary form of {@link CacheEntry} (no Java serialization, no class names).
 */
public final class EntryCodec extends BaseCodec {

    public static final EntryCodec INSTANCE = new EntryCodec();
    private static final int VERSION = 1;

    private final Encoder encoder = in -> {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        try (DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out))) {
            write((CacheEntry) in, data);
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e;
        }
        return out;
    };

    private final Decoder<Object> decoder = (buf, state) -> {
        try (DataInputStream data = new DataInputStream(new ByteBufInputStream(buf))) {
            return read(data);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableEntryException(e);
        }
    };

    /** A stored value that is not a valid entry of a version this codec knows (corrupt, truncated). */
    public static final class UndecodableEntryException extends RuntimeException {
        UndecodableEntryException(Throwable cause) {
            super("cache entry cannot be decoded: " + cause, cause);
        }
    }

    @Override
    public Decoder<Object> getValueDecoder() {
        return decoder;
    }

    @Override
    public Encoder getValueEncoder() {
        return encoder;
    }

    @Override
    public Decoder<Object> getMapKeyDecoder() {
        return StringCodec.INSTANCE.getValueDecoder();
    }

    @Override
    public Encoder getMapKeyEncoder() {
        return StringCodec.INSTANCE.getValueEncoder();
    }

    public static byte[] toBytes(CacheEntry entry) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            write(entry, data);
        }
        return bytes.toByteArray();
    }

    public static CacheEntry fromBytes(byte[] bytes) throws IOException {
        try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return read(data);
        }
    }

    private static void write(CacheEntry entry, DataOutputStream out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(entry.variants().size());
        for (StoredResponse r : entry.variants()) {
            out.writeInt(r.status());
            Map<String, List<String>> headers = r.headers().asMap();
            out.writeInt(headers.size());
            for (var h : headers.entrySet()) {
                writeString(out, h.getKey());
                out.writeInt(h.getValue().size());
                for (String v : h.getValue()) {
                    writeString(out, v);
                }
            }
            out.writeInt(r.body().length);
            out.write(r.body());
            out.writeLong(r.requestTimeMillis());
            out.writeLong(r.responseTimeMillis());
            out.writeInt(r.varyValues().size());
            for (var v : r.varyValues().entrySet()) {
                writeString(out, v.getKey());
                writeString(out, v.getValue());
            }
            out.writeInt(r.tags().size());
            for (String tag : r.tags()) {
                writeString(out, tag);
            }
            out.writeLong(r.fillSequence());
        }
    }

    /**
     * The entry, or null for an entry in a format version this codec does not know (written by a newer release
     * during a rolling upgrade): that is a miss here, not an error.
     */
    private static CacheEntry read(DataInputStream in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            return null;
        }
        int count = in.readInt();
        List<StoredResponse> variants = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int status = in.readInt();
            int headerCount = in.readInt();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int h = 0; h < headerCount; h++) {
                String name = readString(in);
                int valueCount = in.readInt();
                List<String> values = new ArrayList<>(valueCount);
                for (int v = 0; v < valueCount; v++) {
                    values.add(readString(in));
                }
                headers.put(name, values);
            }
            byte[] body = readBytes(in);
            long requestTime = in.readLong();
            long responseTime = in.readLong();
            int varyCount = in.readInt();
            Map<String, String> vary = new LinkedHashMap<>();
            for (int v = 0; v < varyCount; v++) {
                vary.put(readString(in), readString(in));
            }
            int tagCount = in.readInt();
            Set<String> tags = new HashSet<>();
            for (int t = 0; t < tagCount; t++) {
                tags.add(readString(in));
            }
            long fillSequence = in.readLong();
            variants.add(new StoredResponse(status, Headers.of(headers), body, requestTime, responseTime, vary, tags,
                    fillSequence));
        }
        return new CacheEntry(variants);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    /** A length-prefixed byte array; a length beyond what is left is corruption, not a reason to allocate it. */
    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("length " + length + " but " + in.available() + " bytes left");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
