package dev.cachesync.catalog.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductDraft;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.product.WriteCondition;
import dev.cachesync.devstack.AuthenticatingProxy;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.LogCapture;
import dev.cachesync.devstack.TopicContents;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroDeserializer;
import dev.cachesync.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog service configured only through its environment against a SASL_SSL broker that enforces ACLs and a
 * registry that demands credentials: the relay publishes as a principal that may only write the product-events
 * topic, and none of the secrets appears in the logs or the configuration dump.
 */
class SecuredTransportsTest {
    private static final String RELAY = "catalog-relay";
    private static KafkaBroker kafka;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.startSecured();
        kafka.createTopic(Topics.PRODUCT_EVENTS, 3);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private final ApiKeys.MintedKey writer = ApiKeys.mint("test-writer", Scopes.WRITE);

    @Test
    void theRelayPublishesWithExactlyItsAclsAndNoSecretIsLogged() throws Exception {
        String relayPassword = kafka.addUser(RELAY);
        allowWrite(RELAY, Topics.PRODUCT_EVENTS);
        String registryPassword = "registry-" + UUID.randomUUID();
        String database = "jdbc:h2:mem:secured_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        try (AuthenticatingProxy registry = AuthenticatingProxy.basic(DevStack.schemaRegistry(), "catalog",
                registryPassword);
             LogCapture logs = LogCapture.begin()) {
            Map<String, String> env = new HashMap<>(KafkaClientSecurity.environmentOf(kafka.clientProperties(RELAY, relayPassword)));
            env.putAll(Map.of("PORT", "0", "JDBC_URL", database, "OUTBOX_POLL_INTERVAL_MS", "50",
                    "SCHEMA_REGISTRY_URL", registry.url(),
                    "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "catalog:" + registryPassword,
                    "CATALOG_MANAGEMENT_PORT", "0", "CATALOG_AUTH_API_KEYS", writer.entry()));
            CatalogConfig config = CatalogConfig.fromEnv(env);
            String productId = "secured-" + UUID.randomUUID();
            try (CatalogApp app = CatalogApp.start(config);
                 HikariDataSource db = Database.open(database, null, null, 2)) {
                ProductStore store = ProductStore.builder(db).changeSink(new OutboxWriter()).source("test").build();
                store.put(productId, ProductDraft.builder().name("Boot").priceCents(100).categorySlug("shoes")
                        .brandSlug("acme").build(), WriteCondition.always(), null);

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(published(registry, registryPassword))
                        .extracting(ConsumerRecord::key).contains(productId));
            }

            String secrets = config.toString() + "\n" + logs.text();
            assertThat(logs.text()).contains("ProducerConfig values"); // Kafka's own dump was recorded
            assertThat(secrets).doesNotContain(relayPassword, registryPassword,
                    env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD"), env.get("KAFKA_SASL_JAAS_CONFIG"), writer.key());
        }
    }

    private static List<ConsumerRecord<String, ProductEvent>> published(AuthenticatingProxy registry, String password) {
        AvroDeserializer<ProductEvent> values = new AvroDeserializer<>(ProductEvent.class);
        Map<String, Object> config = new HashMap<>(RegistryAuth.basic("catalog:" + password).serdeConfig());
        config.put(AvroSerdes.SCHEMA_REGISTRY_URL, registry.url());
        values.configure(config, false);
        return TopicContents.readAll(kafka, Topics.PRODUCT_EVENTS, new StringDeserializer(), values);
    }

    private static void allowWrite(String user, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry("User:" + user, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }
}
