package dev.cachesync.schemas.history;

import dev.cachesync.events.InvalidationApplied;
import dev.cachesync.events.InvalidationHops;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * InvalidationApplied v2 added the per-hop timestamps ({@code hops}, {@code purgeAcknowledgedAt}) with defaults:
 * records the invalidator wrote before are read by today's class with no hops, and a consumer still on v1 reads
 * the new records (it skips the fields it does not know).
 */
class InvalidationAppliedEvolutionTest {
    private static final Schema V1 = SampleEvents.historicSchema("InvalidationApplied", 1);
    private static final Schema V2 = SampleEvents.historicSchema("InvalidationApplied", 2);

    @Test
    void v2IsBackwardAndForwardCompatibleWithV1() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(V2, V1).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(V1, V2).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void aV1RecordIsReadByTheCurrentClassWithoutHops() throws IOException {
        GenericRecord v1 = new GenericData.Record(V1);
        v1.put("purgeId", "purge-1");
        v1.put("appliedAt", 1_760_000_000_123L);
        v1.put("sequence", 42L);
        v1.put("tags", List.of("product:p-1"));
        v1.put("keys", List.of());
        v1.put("keysPurged", 3);
        v1.put("sourceEventIds", List.of("e-1"));
        v1.put("lagMillis", 17L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(V1).write(v1, encoder);
        encoder.flush();

        SpecificDatumReader<InvalidationApplied> reader = new SpecificDatumReader<>(V1,
                InvalidationApplied.getClassSchema(), SpecificData.getForClass(InvalidationApplied.class));
        InvalidationApplied read = reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.getPurgeId()).isEqualTo("purge-1");
        assertThat(read.getLagMillis()).isEqualTo(17L);
        assertThat(read.getHops()).isEmpty();
        assertThat(read.getPurgeAcknowledgedAtMicros()).isNull();
    }

    @Test
    void aV2RecordKeepsItsHopsToTheMicrosecondAndAV1ReaderStillReadsIt() throws IOException {
        long committed = 1_764_644_400_123_000L;
        InvalidationApplied applied = InvalidationApplied.newBuilder()
                .setPurgeId("purge-2").setAppliedAt(Instant.ofEpochMilli(committed / 1000 + 9)).setSequence(7)
                .setTags(List.of("product:p-1")).setKeysPurged(1).setSourceEventIds(List.of("e-2")).setLagMillis(9)
                .setHops(List.of(InvalidationHops.newBuilder().setSourceId("e-2").setCommittedAtMicros(committed)
                        .setRelaySentAtMicros(committed + 1_250).setKafkaAppendedAtMicros(committed + 2_000)
                        .setReceivedAtMicros(committed + 3_456).build()))
                .setPurgeAcknowledgedAtMicros(committed + 5_001)
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(InvalidationApplied.class).write(applied, encoder);
        encoder.flush();

        InvalidationApplied again = new SpecificDatumReader<>(InvalidationApplied.class)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(again).isEqualTo(applied);
        assertThat(again.getHops().get(0).getReceivedAtMicros()).isEqualTo(committed + 3_456);

        GenericRecord asV1 = new GenericDatumReader<GenericRecord>(InvalidationApplied.getClassSchema(), V1)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(asV1.get("purgeId").toString()).isEqualTo("purge-2");
        assertThat(asV1.getSchema().getField("hops")).isNull();
    }
}
