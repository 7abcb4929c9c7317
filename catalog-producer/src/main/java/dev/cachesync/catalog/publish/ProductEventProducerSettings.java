package dev.cachesync.catalog.publish;

import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.serde.AvroSerdes;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings of the Kafka producer (and the factory of the producer they describe) that writes product events: idempotent ({@code enable.idempotence=true},
 * {@code acks=all}, at most 5 requests in flight), so broker retries never duplicate or reorder records of one
 * partition, and the key (product id) keeps every product's events in one partition, in order.
 */
public final class ProductEventProducerSettings {
    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private boolean autoRegisterSchemas = true;
    private Duration deliveryTimeout = Duration.ofMinutes(2);
    private Duration lingerTime = Duration.ofMillis(5);
    private String clientId = "catalog-producer";
    private KafkaClientSecurity security = KafkaClientSecurity.none();
    private RegistryAuth registryAuth = RegistryAuth.none();
    private final Map<String, Object> overrides = new HashMap<>();

    private ProductEventProducerSettings(String bootstrapServers, String schemaRegistryUrl) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.schemaRegistryUrl = Objects.requireNonNull(schemaRegistryUrl, "schemaRegistryUrl");
    }

    public static ProductEventProducerSettings to(String bootstrapServers, String schemaRegistryUrl) {
        return new ProductEventProducerSettings(bootstrapServers, schemaRegistryUrl);
    }

    /** Register the ProductEvent schema on first use (default); false to only look it up. */
    public ProductEventProducerSettings autoRegisterSchemas(boolean autoRegister) { this.autoRegisterSchemas = autoRegister; return this; }

    /** How long a send may keep retrying (e.g. through a broker outage) before it fails; default 2 minutes. */
    public ProductEventProducerSettings deliveryTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("deliveryTimeout must be positive, was " + timeout);
        }
        this.deliveryTimeout = timeout;
        return this;
    }

    /** How long a send waits to batch with others; default 5 ms; must be shorter than the delivery timeout. */
    public ProductEventProducerSettings linger(Duration linger) {
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("linger must be zero or positive, was " + linger);
        }
        this.lingerTime = linger;
        return this;
    }

    public ProductEventProducerSettings clientId(String clientId) { this.clientId = Objects.requireNonNull(clientId); return this; }

    /** How to authenticate to Kafka and encrypt the connection (default plaintext). */
    public ProductEventProducerSettings security(KafkaClientSecurity security) { this.security = Objects.requireNonNull(security); return this; }

    /** The credentials the serializer sends to the schema registry (default none). */
    public ProductEventProducerSettings registryAuth(RegistryAuth auth) { this.registryAuth = Objects.requireNonNull(auth); return this; }

    /** Any other producer property; the idempotence settings cannot be weakened. */
    public ProductEventProducerSettings property(String key, Object value) { overrides.put(key, value); return this; }

    public Map<String, Object> properties() {
        if (lingerTime.compareTo(deliveryTimeout) >= 0) {
            throw new IllegalArgumentException("linger (" + lingerTime + ") must be shorter than deliveryTimeout ("
                    + deliveryTimeout + ")");
        }
        Map<String, Object> props = new HashMap<>(overrides);
        props.putAll(security.properties());
        props.putAll(registryAuth.serdeConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) lingerTime.toMillis());
        int requestTimeout = (int) Math.min(30_000, deliveryTimeout.toMillis() - lingerTime.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis()));
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(AvroSerdes.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        props.put(AvroSerdes.AUTO_REGISTER_SCHEMAS, autoRegisterSchemas);
        return props;
    }

    public Producer<String, ProductEvent> create() {
        AvroSerializer<ProductEvent> values = new AvroSerializer<>();
        Map<String, Object> props = properties();
        values.configure(props, false);
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }
}
