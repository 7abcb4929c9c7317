package dev.cachesync.invalidator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.LogCapture;
import dev.cachesync.schemas.Topics;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An invalidator that Kafka refuses, on a SASL_SSL broker with ACLs, says so: readiness (and liveness) answer 503
 * with the reason, {@code cachesync_invalidator_kafka_refusals_total} counts it by kind, and the log tells why
 * without the secret. Wrong credentials and missing ACLs are the two ways a deployment gets it wrong.
 */
class KafkaRefusedTest {
    private static KafkaBroker kafka;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startSecuredBroker() {
        kafka = KafkaBroker.startSecured();
        for (String topic : List.of(Topics.PRODUCT_EVENTS, Topics.INVALIDATION_COMMANDS, Topics.INVALIDATIONS_APPLIED,
                Topics.DEAD_LETTERS)) {
            kafka.createTopic(topic, 1);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void wrongCredentialsTurnReadinessRedWithTheReasonAndCountAnAuthenticationRefusal() throws Exception {
        String user = "invalidator-" + UUID.randomUUID();
        kafka.addUser(user);
        String wrongPassword = "wrong-" + UUID.randomUUID();
        try (LogCapture logs = LogCapture.begin();
             InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(environment(user, wrongPassword)))) {
            String ready = awaitRefused(app, "Kafka refused the credentials");
            assertThat(ready).contains("SaslAuthenticationException", "KAFKA_SASL_JAAS_CONFIG");
            assertThat(get(app, "/health/live").statusCode()).as("liveness: the platform restarts it").isEqualTo(503);
            assertThat(get(app, "/metrics").body())
                    .contains("cachesync_invalidator_kafka_refusals_total{kind=\"authentication\"} 1.0")
                    .contains("cachesync_invalidator_kafka_refusals_total{kind=\"authorization\"} 0.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("Kafka refused the invalidator"));
            assertThat(logs.text()).doesNotContain(wrongPassword);
        }
    }

    @Test
    void aPrincipalWithoutAclsTurnsReadinessRedWithWhatWasDeniedAndCountsAnAuthorizationRefusal() throws Exception {
        String user = "invalidator-" + UUID.randomUUID();
        String password = kafka.addUser(user); // authenticated, but no ACL allows it anything
        try (LogCapture logs = LogCapture.begin();
             InvalidatorApp app = InvalidatorApp.start(InvalidatorConfig.fromEnv(environment(user, password)))) {
            String ready = awaitRefused(app, "Kafka denied the principal");
            assertThat(ready).contains("AuthorizationException", "docs/transport-security.md");
            assertThat(get(app, "/metrics").body())
                    .contains("cachesync_invalidator_kafka_refusals_total{kind=\"authorization\"} 1.0");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("Kafka denied the principal"));
            assertThat(logs.text()).doesNotContain(password);
        }
    }

    /** Waits for readiness to answer 503 with {@code reason}; returns the body. */
    private String awaitRefused(InvalidatorApp app, String reason) {
        String[] body = new String[1];
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            HttpResponse<String> ready = get(app, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains(reason);
            body[0] = ready.body();
        });
        return body[0];
    }

    private HttpResponse<String> get(InvalidatorApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> environment(String user, String password) throws Exception {
        Map<String, String> env = new HashMap<>(KafkaClientSecurity.environmentOf(kafka.clientProperties(user, password)));
        env.put("SCHEMA_REGISTRY_URL", DevStack.schemaRegistry().url());
        env.put("REDIS_HOST", DevStack.redis().host());
        env.put("REDIS_PORT", String.valueOf(DevStack.redis().port()));
        env.put("REDIS_KEY_PREFIX", "refused-" + UUID.randomUUID() + ":");
        env.put("INVALIDATOR_APPLICATION_ID", "refused-" + UUID.randomUUID());
        env.put("INVALIDATOR_CREATE_TOPICS", "false");
        env.put("INVALIDATOR_HTTP_PORT", "0");
        env.put("INVALIDATOR_STATE_DIR", Files.createTempDirectory("refused-invalidator").toString());
        return env;
    }
}
