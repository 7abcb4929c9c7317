package dev.cachesync.catalog.testing;

import dev.cachesync.devstack.TopicContents;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.serde.AvroDeserializer;
import dev.cachesync.schemas.serde.AvroSerdes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic of product events, from the beginning to its current end, through the real schema registry. */
public final class TopicReader {
    private TopicReader() {
    }

    public static List<ConsumerRecord<String, ProductEvent>> readAll(String bootstrapServers, String registryUrl, String topic) {
        AvroDeserializer<ProductEvent> values = new AvroDeserializer<>(ProductEvent.class);
        values.configure(Map.of(AvroSerdes.SCHEMA_REGISTRY_URL, registryUrl), false);
        return TopicContents.readAll(bootstrapServers, topic, new StringDeserializer(), values);
    }
}
