package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.cachesync.devstack.DevStackExtension;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.invalidator.runtime.InvalidatorMain;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The invalidator as Kubernetes runs it: its own JVM, configured by environment, stopped by SIGTERM. */
@ExtendWith(DevStackExtension.class)
class InvalidatorProcessTest {

    @Test
    void startsFromTheEnvironmentAndLeavesTheGroupCleanlyOnSigterm(KafkaBroker kafka, SchemaRegistry registry,
                                                                   RedisServer redis) throws Exception {
        String applicationId = "process-" + UUID.randomUUID();
        int port = freePort();
        Path log = Files.createTempFile("invalidator-process", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), InvalidatorMain.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(),
                "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", "process-" + UUID.randomUUID() + ":",
                "INVALIDATOR_APPLICATION_ID", applicationId,
                "INVALIDATOR_HTTP_PORT", String.valueOf(port),
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("invalidator-process").toString()));
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            assertThat(members(kafka, applicationId)).isPositive();

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();

            assertThat(Files.readString(log)).contains("invalidator stopped");
            // It left the consumer group on the way out: its partitions are free for the others at once.
            assertThat(members(kafka, applicationId)).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    private static int members(KafkaBroker kafka, String groupId) throws Exception {
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(30, TimeUnit.SECONDS).get(groupId);
            return group.members().size();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
