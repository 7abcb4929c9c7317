package dev.cachesync.schemas.serde;

import java.nio.ByteBuffer;

/** The Confluent wire format: byte 0 = magic byte 0, bytes 1-4 = schema id (big-endian int), then Avro binary. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** The schema id and where the Avro body starts, or a {@link WireFormatException} saying what is wrong. */
    static Frame parse(byte[] data, String topic, boolean isKey) {
        if (data.length == 0) {
            throw new WireFormatException(WireFormatException.Reason.EMPTY,
                    "Not a Confluent wire-format Avro frame: the " + what(isKey, topic) + " is empty (0 bytes);"
                            + " expected magic byte 0, a 4-byte schema id and an Avro body");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new WireFormatException(WireFormatException.Reason.WRONG_MAGIC_BYTE,
                    String.format("Not a Confluent wire-format Avro frame: the %s starts with byte 0x%02x, expected"
                            + " the magic byte 0x00%s", what(isKey, topic), data[0] & 0xff, hint(data[0])));
        }
        if (data.length < HEADER_LENGTH) {
            throw new WireFormatException(WireFormatException.Reason.TOO_SHORT,
                    "Not a Confluent wire-format Avro frame: the " + what(isKey, topic) + " has only " + data.length
                            + " byte(s), the " + HEADER_LENGTH + "-byte header (magic byte + 4-byte schema id)"
                            + " is truncated");
        }
        int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
        return new Frame(schemaId, HEADER_LENGTH, data.length - HEADER_LENGTH);
    }

    static String what(boolean isKey, String topic) {
        return (isKey ? "key" : "value") + " on topic '" + topic + "'";
    }

    private static String hint(byte first) {
        return switch (first) {
            case '{', '[' -> " (it looks like JSON)";
            case 'O' -> " (it looks like an Avro container file)";
            default -> "";
        };
    }

    record Frame(int schemaId, int bodyOffset, int bodyLength) {
    }
}
