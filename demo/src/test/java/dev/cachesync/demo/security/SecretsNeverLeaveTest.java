package dev.cachesync.demo.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.PublicKeyPem;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.devstack.KafkaBroker;
import dev.cachesync.devstack.LogCapture;
import dev.cachesync.devstack.RedisServer;
import dev.cachesync.devstack.SchemaRegistry;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 item 5: the catalog service and the invalidator run with known secret values (database and Redis
 * passwords, an API key, JWTs) and are made to use them, succeed and fail with them; then their logs (Kafka's,
 * HikariCP's and Redisson's at INFO, where clients print their configuration), console output, exceptions,
 * error bodies, {@code /metrics}, health answers and configuration dumps must not contain any of them.
 */
class SecretsNeverLeaveTest {
    private final KafkaBroker kafka = DevStack.kafka();
    private final SchemaRegistry registry = DevStack.schemaRegistry();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void noSecretAppearsInLogsErrorsMetricsHealthOrConfiguration() throws Exception {
        String dbPassword = "db-S3cret-" + UUID.randomUUID();
        String redisPassword = "redis-S3cret-" + UUID.randomUUID();
        ApiKeys.MintedKey writer = ApiKeys.mint("secrets-test", Scopes.WRITE);
        RSAKey signer = new RSAKeyGenerator(2048).keyID("secrets-test").generate();
        String goodJwt = jwt(signer, "catalog");
        String otherAudienceJwt = jwt(signer, "elsewhere");
        String unknownKey = ApiKeys.mint("nobody", Scopes.WRITE).key();
        List<String> secrets = List.of(dbPassword, redisPassword, writer.key(), goodJwt, goodJwt.split("\\.")[2],
                otherAudienceJwt, unknownKey);

        List<String> seen = new ArrayList<>();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RedisServer redis = RedisServer.start();
             LogCapture logs = LogCapture.begin("com.zaxxer.hikari", "org.eclipse.jetty", "io.javalin")) {
            System.setOut(new PrintStream(tee(out, console), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(tee(err, console), true, StandardCharsets.UTF_8));
            requirePassword(redis, redisPassword);

            String jdbcUrl = "jdbc:h2:mem:secrets-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
            Map<String, String> catalogEnv = new HashMap<>(Map.of(
                    "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "JDBC_URL", jdbcUrl,
                    "JDBC_USER", "catalog", "JDBC_PASSWORD", dbPassword,
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url(),
                    "CATALOG_AUTH_API_KEYS", writer.entry(), "CATALOG_AUTH_JWT_PUBLIC_KEY", pem(signer)));
            catalogEnv.put("CATALOG_AUTH_JWT_ISSUER", "https://issuer.test/");
            catalogEnv.put("CATALOG_AUTH_JWT_AUDIENCE", "catalog");
            Map<String, String> invalidatorEnv = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url(),
                    "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()), "REDIS_PASSWORD", redisPassword,
                    "REDIS_KEY_PREFIX", "secrets-test:", "INVALIDATOR_HTTP_PORT", "0",
                    "INVALIDATOR_APPLICATION_ID", "secrets-test-" + UUID.randomUUID(),
                    "INVALIDATOR_STATE_DIR", Files.createTempDirectory("secrets-test").toString());
            CatalogConfig catalogConfig = CatalogConfig.fromEnv(catalogEnv);
            InvalidatorConfig invalidatorConfig = InvalidatorConfig.fromEnv(invalidatorEnv);
            seen.add(catalogConfig.toString());
            seen.add(invalidatorConfig.toString());

            try (InvalidatorApp invalidator = InvalidatorApp.start(invalidatorConfig);
                 CatalogApp catalog = CatalogApp.start(catalogConfig)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> invalidator.state() == KafkaStreams.State.RUNNING);
                URI api = URI.create("http://127.0.0.1:" + catalog.port());
                assertThat(write(api, "p-1", writer.key(), seen)).isEqualTo(201);
                assertThat(write(api, "p-1", goodJwt, seen)).isEqualTo(200);
                assertThat(write(api, "p-2", otherAudienceJwt, seen)).isEqualTo(401);
                assertThat(write(api, "p-3", unknownKey, seen)).isEqualTo(401);
                assertThat(write(api, "p-4", dbPassword, seen)).isEqualTo(401); // a secret sent as a credential

                URI invalidatorHttp = URI.create("http://127.0.0.1:" + invalidator.httpPort());
                // The invalidator purges with its password: the event of p-1 reaches Redis.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(get(invalidatorHttp.resolve("/metrics"))).containsPattern("cachesync_invalidator_purges_total(\\{[^}]*})? [1-9]"));
                URI management = URI.create("http://127.0.0.1:" + catalog.managementPort());
                for (URI uri : List.of(management.resolve("/metrics"), management.resolve("/health/ready"),
                        invalidatorHttp.resolve("/metrics"), invalidatorHttp.resolve("/health/ready"))) {
                    seen.add(get(uri));
                }
            }

            // Failing with a secret: a wrong database password must not be echoed by the error.
            catalogEnv.put("JDBC_PASSWORD", "wrong-" + dbPassword);
            Throwable failed = catchThrowable(() -> CatalogApp.start(CatalogConfig.fromEnv(catalogEnv)).close());
            assertThat(stackTrace(failed)).as("a wrong database password stops the start")
                    .contains("Wrong user name or password");
            seen.add(stackTrace(failed));

            seen.add(logs.text());
            assertThat(logs.text()).as("Kafka clients printed their configuration")
                    .contains("ProducerConfig values", "StreamsConfig values");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        seen.add(console.toString(StandardCharsets.UTF_8));

        String everything = String.join("\n", seen);
        for (String secret : secrets) {
            assertThat(everything).as("output of the services").doesNotContain(secret);
        }
        assertThat(everything).contains("by api-key:secrets-test", "by jwt:alice");
    }

    /** Redis asks for {@code password} from now on (CONFIG SET requirepass over RESP). */
    private static void requirePassword(RedisServer redis, String password) throws IOException {
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            String[] args = {"CONFIG", "SET", "requirepass", password};
            StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                command.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            socket.getOutputStream().write(command.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
        }
    }

    private int write(URI api, String id, String credential, List<String> seen) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("/products/" + id))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + credential)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Lamp\",\"priceCents\":2500,\"categorySlug\":\"lighting\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        seen.add(response.headers().map() + "\n" + response.body());
        return response.statusCode();
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        return response.headers().map() + "\n" + response.body();
    }

    private static String jwt(RSAKey signer, String audience) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://issuer.test/").audience(audience).subject("alice")
                        .claim("scope", Scopes.WRITE).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static String pem(RSAKey key) throws Exception {
        return PublicKeyPem.encode(key.toRSAPublicKey());
    }

    private static String stackTrace(Throwable t) {
        StringWriter text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int c) throws IOException {
                a.write(c);
                synchronized (b) {
                    b.write(c);
                }
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                a.write(bytes, off, len);
                synchronized (b) {
                    b.write(bytes, off, len);
                }
            }
        };
    }
}
