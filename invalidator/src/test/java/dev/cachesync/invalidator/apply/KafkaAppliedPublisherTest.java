package dev.cachesync.invalidator.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.List;

import dev.cachesync.events.InvalidationApplied;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaAppliedPublisherTest {

    @Test
    void aRecordTheSerializerCannotWriteWhileTheRegistryIsDownNeverFailsThePurgeThatWasApplied() {
        Serializer<InvalidationApplied> registryDown = (topic, value) -> {
            // What the Avro serializer throws when it must register the schema and the registry is down.
            throw new SerializationException("Schema registry at http://registry is unreachable");
        };
        MockProducer<String, InvalidationApplied> producer = new MockProducer<>(true, null, new StringSerializer(),
                registryDown);
        KafkaAppliedPublisher publisher = new KafkaAppliedPublisher(producer);

        assertThatCode(() -> publisher.publish(applied())).doesNotThrowAnyException();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aRecordThatCanBeWrittenIsSent() {
        Serializer<InvalidationApplied> serializer = (topic, value) -> new byte[] {1};
        MockProducer<String, InvalidationApplied> producer = new MockProducer<>(true, null, new StringSerializer(),
                serializer);

        new KafkaAppliedPublisher(producer).publish(applied());

        assertThat(producer.history()).singleElement().satisfies(record -> assertThat(record.key()).isEqualTo("p-1"));
    }

    private static InvalidationApplied applied() {
        return InvalidationApplied.newBuilder().setPurgeId("p-1").setAppliedAt(Instant.now()).setSequence(1)
                .setTags(List.of("product:1")).setKeys(List.of()).setKeysPurged(1).setSourceEventIds(List.of("e-1"))
                .setLagMillis(5).build();
    }
}
