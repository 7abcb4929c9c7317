package dev.cachesync.schemas.history;

import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.testing.SampleEvents;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** ProductEvent v2 added traceId (optional, default null): data written with v1 is read by today's class. */
class ProductEventEvolutionTest {

    @Test
    void aV1RecordIsReadByTheCurrentClassWithoutATraceId() throws IOException {
        ProductEvent current = SampleEvents.productUpdated("p-42", 3);
        GenericRecord v1 = SampleEvents.asProductEventV1(current);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1.getSchema()).write(v1, encoder);
        encoder.flush();

        SpecificDatumReader<ProductEvent> reader = new SpecificDatumReader<>(v1.getSchema(),
                ProductEvent.getClassSchema(), SpecificData.getForClass(ProductEvent.class));
        ProductEvent read = reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.getTraceId()).isNull();
        assertThat(read).isEqualTo(SampleEvents.withoutTraceId(current));
    }
}
