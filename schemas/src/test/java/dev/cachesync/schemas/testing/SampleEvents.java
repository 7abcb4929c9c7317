package dev.cachesync.schemas.testing;

import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.Product;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.events.ProductEventType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Realistic events for tests, and the published schema versions from {@code src/main/avro-history}. */
public final class SampleEvents {

    private SampleEvents() {
    }

    /** An UPDATED event with both products, a price change and a category move. */
    public static ProductEvent productUpdated(String productId, long version) {
        Instant at = Instant.ofEpochMilli(1_760_000_000_000L + version);
        Product before = Product.newBuilder()
                .setId(productId).setName("Espresso cup").setDescription("Stoneware, 80 ml")
                .setPriceCents(1299).setCategorySlug("kitchen").setBrandSlug(null)
                .setVersion(version - 1).setUpdatedAt(at.minusSeconds(60)).build();
        Product after = Product.newBuilder(before)
                .setPriceCents(1099).setCategorySlug("coffee").setBrandSlug("acme").setStock(12)
                .setVersion(version).setUpdatedAt(at).build();
        return ProductEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setProductId(productId)
                .setVersion(version)
                .setType(ProductEventType.UPDATED)
                .setBefore(before)
                .setAfter(after)
                .setTags(List.of("product:" + productId, "category:kitchen", "category:coffee", "brand:acme"))
                .setSource("catalog-producer")
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .build();
    }

    public static InvalidationCommand purgeCommand(String tag) {
        return InvalidationCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setRequestedAt(Instant.ofEpochMilli(1_760_000_000_000L))
                .setTags(List.of(tag))
                .setReason("test")
                .setRequestedBy("ops")
                .build();
    }

    /** The module directory (surefire runs there and sets basedir). */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    }

    /** Version {@code n} of a published schema, parsed from its self-contained history file. */
    public static Schema historicSchema(String recordName, int version) {
        Path file = moduleDir().resolve("src/main/avro-history/" + recordName + "/v" + version + ".avsc");
        try {
            return new Schema.Parser().parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code event} as a GenericRecord of ProductEvent v1, the schema without traceId. */
    public static GenericRecord asProductEventV1(ProductEvent event) {
        Schema v1 = historicSchema("ProductEvent", 1);
        Schema productV1 = v1.getField("before").schema().getTypes().get(1);
        GenericRecord record = new GenericData.Record(v1);
        record.put("eventId", event.getEventId());
        record.put("occurredAt", event.getOccurredAt().toEpochMilli());
        record.put("productId", event.getProductId());
        record.put("version", event.getVersion());
        record.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), event.getType().name()));
        record.put("before", event.getBefore() == null ? null : asProductV1(productV1, event.getBefore()));
        record.put("after", event.getAfter() == null ? null : asProductV1(productV1, event.getAfter()));
        record.put("tags", event.getTags());
        record.put("source", event.getSource());
        return record;
    }

    private static GenericRecord asProductV1(Schema schema, Product product) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", product.getId());
        record.put("name", product.getName());
        record.put("description", product.getDescription());
        record.put("priceCents", product.getPriceCents());
        record.put("currency", product.getCurrency());
        record.put("stock", product.getStock());
        record.put("categorySlug", product.getCategorySlug());
        record.put("brandSlug", product.getBrandSlug());
        record.put("version", product.getVersion());
        record.put("updatedAt", product.getUpdatedAt().toEpochMilli());
        return record;
    }

    /** {@code event} as the v1 code would have produced it: the same, without a trace id. */
    public static ProductEvent withoutTraceId(ProductEvent event) {
        return ProductEvent.newBuilder(event).setTraceId(null).build();
    }
}
