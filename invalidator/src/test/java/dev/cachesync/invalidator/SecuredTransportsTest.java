package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.devstack.AuthenticatingProxy;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.LogCapture;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.invalidator.cli.InvalidatorCli;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import dev.cachesync.schemas.serde.AvroSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Every transport secured at once, each principal with exactly the rights docs/transport-security.md lists: Kafka over
 * SASL_SSL with ACLs, Redis over TLS as an ACL user (default user off), the registry behind credentials. The
 * relay's events and the CLI's commands are purged from a real cache-client's Redis and near cache; a principal
 * without WRITE on the commands topic cannot inject one; no secret reaches the logs.
 */
class SecuredTransportsTest {
    private static final String APPLICATION_ID = "cachesync-invalidator";
    private static final String REDIS_USER = "cachesync";
    private static final String REDIS_PASSWORD = UUID.randomUUID().toString();
    private static final String REGISTRY_PASSWORD = UUID.randomUUID().toString();

    private static KafkaBroker kafka;
    private static RedisServer redis;
    private static AuthenticatingProxy registry;
    private static InvalidatorEndToEndTest.Origin origin;
    private static final Map<String, String> passwords = new HashMap<>();

    @BeforeAll
    static void startSecuredStack() throws Exception {
        kafka = KafkaBroker.startSecured();
        String rules = RedisSettings.from(Map.of()).aclRules();
        redis = RedisServer.secured().user(REDIS_USER, REDIS_PASSWORD, rules.split(" ")).start();
        registry = AuthenticatingProxy.basic(DevStack.schemaRegistry(), "cachesync", REGISTRY_PASSWORD);
        origin = new InvalidatorEndToEndTest.Origin();
        for (String topic : List.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATION_COMMANDS, Topics.INVALIDATIONS_APPLIED,
                Topics.DEAD_LETTERS)) {
            kafka.createTopic(topic, 1);
        }
        // The ACLs of docs/transport-security.md, principal by principal.
        user("catalog-relay", topic(Topics.PRODUCT_EVENTS, AclOperation.WRITE));
        user("invalidator",
                topic(Topics.PRODUCT_EVENTS, AclOperation.READ),
                topic(Topics.INVALIDATION_COMMANDS, AclOperation.READ),
                topic(Topics.PRODUCT_EVENTS, AclOperation.DESCRIBE_CONFIGS),
                topic(Topics.INVALIDATION_COMMANDS, AclOperation.DESCRIBE_CONFIGS),
                topic(Topics.INVALIDATIONS_APPLIED, AclOperation.WRITE),
                topic(Topics.DEAD_LETTERS, AclOperation.WRITE),
                new Grant(new ResourcePattern(ResourceType.GROUP, APPLICATION_ID, PatternType.LITERAL), AclOperation.READ),
                new Grant(new ResourcePattern(ResourceType.TOPIC, APPLICATION_ID + "-", PatternType.PREFIXED),
                        AclOperation.ALL));
        user("invalidator-cli",
                topic(Topics.INVALIDATION_COMMANDS, AclOperation.WRITE),
                topic(Topics.INVALIDATIONS_APPLIED, AclOperation.READ));
        // May read what was purged, may not purge.
        user("auditor", topic(Topics.INVALIDATIONS_APPLIED, AclOperation.READ));
    }

    @AfterAll
    static void stopSecuredStack() {
        for (AutoCloseable part : new AutoCloseable[] {origin, registry, redis, kafka}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theRelayAndTheCliPurgeThroughEverySecuredTransportAndAnIntruderCannot() throws Exception {
        String changed = "secured-" + UUID.randomUUID();
        String manual = "secured-" + UUID.randomUUID();
        origin.put(changed, "shoes", "v1");
        origin.put(manual, "hats", "v1");
        List<AutoCloseable> cleanup = new ArrayList<>();
        try (LogCapture logs = LogCapture.begin()) {
            InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(invalidatorEnvironment()));
            cleanup.add(app);
            await().atMost(Duration.ofSeconds(90)).until(() -> app.state() == KafkaStreams.State.RUNNING);
            RedissonClient redisson = RedisSettings.from(redisEnvironment()).createRedisson();
            cleanup.add(redisson::shutdown);
            CachingHttpClient orders = CachingHttpClient.builder().redisson(redisson).keyPrefix("catalog-cache:")
                    .origin(origin.uri()).build();
            cleanup.add(orders);
            orders.get("/products/" + changed);
            orders.get("/products/" + manual);
            assertThat(orders.get("/products/" + changed).source()).isEqualTo(CacheSource.LOCAL);

            // The relay's principal publishes a change; the invalidator applies it.
            origin.put(changed, "shoes", "v2");
            ProductEvent event = InvalidatorTopologyTest.event(changed, 2, null,
                    InvalidatorTopologyTest.product(changed, "shoes", null), List.of("product:" + changed));
            try (KafkaProducer<String, ProductEvent> relay = producer("catalog-relay", ProductEvent.class)) {
                relay.send(new ProducerRecord<>(Topics.PRODUCT_EVENTS, changed, event)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> orders.get("/products/" + changed).bodyAsString().contains("v2"));

            // Someone without WRITE on the commands topic cannot purge.
            try (KafkaProducer<String, InvalidationCommand> intruder = producer("auditor", InvalidationCommand.class)) {
                InvalidationCommand purgeAll = InvalidationCommand.newBuilder().setCommandId(UUID.randomUUID().toString())
                        .setRequestedAt(Instant.now()).setTags(List.of("product:" + manual)).setKeys(List.of())
                        .setReason("intrusion").setRequestedBy("auditor").build();
                assertThatThrownBy(() -> intruder.send(new ProducerRecord<>(Topics.INVALIDATION_COMMANDS, "x", purgeAll))
                        .get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            assertThat(orders.get("/products/" + manual).source()).isIn(CacheSource.LOCAL, CacheSource.REDIS);

            // The CLI's principal can, configured by the same environment variables.
            origin.put(manual, "hats", "v2");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InvalidatorCli cli = InvalidatorCli.fromEnv(clientEnvironment("invalidator-cli"),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(cli.run("purge", "--tag", "product:" + manual, "--reason", "secured test")).isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> orders.get("/products/" + manual).bodyAsString().contains("v2"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                out.reset();
                cli.run("recent", "--limit", "5");
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("product:" + manual);
            });

            assertThat(logs.text()).contains("sasl.jaas.config = [hidden]"); // Kafka's config dumps were recorded
            String printed = logs.text() + InvalidatorConfig.fromEnv(invalidatorEnvironment());
            assertThat(printed).doesNotContain(REDIS_PASSWORD, REGISTRY_PASSWORD, redis.certificates().password());
            passwords.values().forEach(password -> assertThat(printed).doesNotContain(password));
        } finally {
            java.util.Collections.reverse(cleanup);
            for (AutoCloseable closeable : cleanup) {
                closeable.close();
            }
        }
    }

    private static Map<String, String> invalidatorEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>(clientEnvironment("invalidator"));
        env.putAll(redisEnvironment());
        env.put("INVALIDATOR_APPLICATION_ID", APPLICATION_ID);
        env.put("INVALIDATOR_CREATE_TOPICS", "false");
        env.put("INVALIDATOR_HTTP_PORT", "0");
        env.put("INVALIDATOR_STATE_DIR", Files.createTempDirectory("secured-invalidator").toString());
        return env;
    }

    /** Kafka and registry settings of a principal, as its deployment would set them. */
    private static Map<String, String> clientEnvironment(String user) {
        Map<String, String> env = new HashMap<>(KafkaClientSecurity.environmentOf(kafka.clientProperties(user, passwords.get(user))));
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "cachesync:" + REGISTRY_PASSWORD);
        return env;
    }

    private static Map<String, String> redisEnvironment() {
        return Map.of("REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()), "REDIS_TLS", "true",
                "REDIS_SSL_TRUSTSTORE_PATH", redis.certificates().truststore().toString(),
                "REDIS_SSL_TRUSTSTORE_PASSWORD", redis.certificates().password(),
                "REDIS_USERNAME", REDIS_USER, "REDIS_PASSWORD", REDIS_PASSWORD);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> KafkaProducer<String, T> producer(
            String user, Class<T> type) {
        Map<String, String> env = clientEnvironment(user);
        Map<String, Object> config = KafkaClientSecurity.fromEnv(env).addTo(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000));
        return new KafkaProducer<>(config, new StringSerializer(),
                AvroSerdes.serde(type, registry.url(), RegistryAuth.fromEnv(env)).serializer());
    }

    /** One ACL: an operation allowed on a resource. */
    private record Grant(ResourcePattern resource, AclOperation operation) {
    }

    private static Grant topic(String name, AclOperation operation) {
        return new Grant(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operation);
    }

    /** Creates a SCRAM user allowed exactly these operations. */
    private static void user(String name, Grant... grants) throws Exception {
        passwords.put(name, kafka.addUser(name));
        List<AclBinding> acls = new ArrayList<>();
        for (Grant grant : grants) {
            acls.add(new AclBinding(grant.resource(), new AccessControlEntry("User:" + name, "*", grant.operation(),
                    AclPermissionType.ALLOW)));
        }
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }
}
