package dev.cachesync.catalog.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.product.ChangeType;
import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.catalog.testing.OutboxTable;
import dev.cachesync.catalog.testing.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The running catalog service over real HTTP: JWTs checked against a JWKS served by a local HTTP server, API keys
 * minted at start, health and metrics on the management port only.
 */
class CatalogAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"name\":\"Lamp\",\"priceCents\":2500,\"categorySlug\":\"lighting\"}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestIssuer issuer;
    private static ApiKeys.MintedKey writerKey;
    private static ApiKeys.MintedKey readerKey;
    private static JdbcDataSource database;
    private static CatalogApp app;

    @BeforeAll
    static void start() {
        issuer = new TestIssuer();
        writerKey = ApiKeys.mint("pricing-job", Scopes.WRITE);
        readerKey = ApiKeys.mint("dashboard", Scopes.READ);
        String jdbcUrl = h2Url();
        database = new JdbcDataSource();
        database.setURL(jdbcUrl);
        app = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", jdbcUrl,
                "CATALOG_AUTH_JWKS_URL", issuer.jwksUrl().toString(),
                "CATALOG_AUTH_JWT_ISSUER", TestIssuer.ISSUER,
                "CATALOG_AUTH_JWT_AUDIENCE", TestIssuer.AUDIENCE,
                "CATALOG_AUTH_API_KEYS", writerKey.entry() + "; " + readerKey.entry())));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        issuer.close();
    }

    @Test
    void aWriteWithoutATokenIs401WithAChallengeAndWritesNothing() throws Exception {
        String id = newId();
        HttpResponse<String> response = put(id, null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"cachesync-catalog\"");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("Authorization");
        assertThat(get("/products/" + id, null).statusCode()).isEqualTo(404);
        assertThat(changesOf(id)).isEmpty();

        for (String method : List.of("PATCH", "DELETE")) {
            assertThat(send(method, "/products/" + id, null).statusCode()).as(method).isEqualTo(401);
        }
        assertThat(put(id, "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(401);
        // A request for no route answers as before, authenticated or not.
        assertThat(send("POST", "/products/" + id, null).statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/nowhere", null).statusCode()).isEqualTo(404);
    }

    @Test
    void jwtsThatDoNotProveTheirIssuerAudienceOrTimeAre401InvalidToken() throws Exception {
        Instant now = Instant.now();
        Map<String, String> bad = new HashMap<>();
        bad.put("signed by a key outside the JWKS",
                TestIssuer.sign(TestIssuer.newKey("test-key-1"), issuer.claims("mallory", Scopes.WRITE).build()));
        bad.put("wrong issuer", issuer.sign(issuer.claims("mallory", Scopes.WRITE).issuer("https://other.test/").build()));
        bad.put("wrong audience", issuer.sign(issuer.claims("mallory", Scopes.WRITE).audience("another-api").build()));
        bad.put("expired beyond the clock skew", issuer.sign(issuer.claims("mallory", Scopes.WRITE)
                .expirationTime(Date.from(now.minusSeconds(120))).build()));
        bad.put("not yet valid", issuer.sign(issuer.claims("mallory", Scopes.WRITE)
                .notBeforeTime(Date.from(now.plusSeconds(120))).build()));
        bad.put("without subject", issuer.sign(issuer.claims(null, Scopes.WRITE).build()));
        bad.put("unsigned (alg none)", new PlainJWT(issuer.claims("mallory", Scopes.WRITE).build()).serialize());
        String[] parts = issuer.token("mallory", Scopes.READ).split("\\.");
        bad.put("payload changed after signing", parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(
                        issuer.claims("mallory", Scopes.WRITE).build().toString().getBytes()) + "." + parts[2]);
        bad.put("unknown API key", ApiKeys.mint("stranger", Scopes.WRITE).key());
        for (var entry : bad.entrySet()) {
            String id = newId();
            HttpResponse<String> response = put(id, "Bearer " + entry.getValue());
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(entry.getKey()).get().asString()
                    .startsWith("Bearer realm=\"cachesync-catalog\", error=\"invalid_token\"");
            assertThat(response.body()).as(entry.getKey()).doesNotContain(entry.getValue());
            assertThat(changesOf(id)).as(entry.getKey()).isEmpty();
        }
    }

    @Test
    void aJwtExpiredWithinTheClockSkewIsStillAccepted() throws Exception {
        String token = issuer.sign(issuer.claims("alice", Scopes.WRITE)
                .expirationTime(Date.from(Instant.now().minusSeconds(5))).build());
        assertThat(put(newId(), "Bearer " + token).statusCode()).isEqualTo(201);
    }

    @Test
    void aReadOnlyPrincipalGets403InsufficientScope() throws Exception {
        for (String credential : List.of(issuer.token("bob", Scopes.READ), readerKey.key(),
                issuer.sign(issuer.claims("carol", null).claim("scp", List.of("catalog:admin")).build()))) {
            String id = newId();
            HttpResponse<String> response = put(id, "Bearer " + credential);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
                    .contains("error=\"insufficient_scope\"", "scope=\"catalog:write\"");
            assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(403);
            assertThat(changesOf(id)).isEmpty();
        }
    }

    @Test
    void aWriterWritesTheOutboxRowCarriesTheChangeAndTheLogNamesThePrincipalNotTheToken() throws Exception {
        String id = newId();
        String token = issuer.token("alice", "openid " + Scopes.WRITE);
        Logger logger = (Logger) LoggerFactory.getLogger(CatalogAuth.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertThat(put(id, "Bearer " + token).statusCode()).isEqualTo(201);
            HttpResponse<String> patch = send("PATCH", "/products/" + id, "Bearer " + writerKey.key(),
                    "{\"priceCents\":1999}");
            assertThat(patch.statusCode()).isEqualTo(200);

            List<ProductChange> changes = changesOf(id);
            assertThat(changes).extracting(ProductChange::type).containsExactly(ChangeType.CREATED, ChangeType.UPDATED);
            assertThat(changes.get(1).after().priceCents()).isEqualTo(1999);
            List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(lines).anyMatch(l -> l.contains("write PUT /products/" + id + " -> 201 by jwt:alice"))
                    .anyMatch(l -> l.contains("write PATCH /products/" + id + " -> 200 by api-key:pricing-job"));
            assertThat(String.join("\n", lines)).doesNotContain(token, writerKey.key());
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(issuer.jwksRequests()).isPositive();
    }

    @Test
    void readsArePublicByDefault() throws Exception {
        String id = newId();
        assertThat(put(id, "Bearer " + writerKey.key()).statusCode()).isEqualTo(201);
        assertThat(get("/products/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortOnly() throws Exception {
        for (String path : List.of("/metrics", "/health/ready", "/health/live")) {
            assertThat(get(path, null).statusCode()).as("public port %s", path).isEqualTo(404);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("management port %s", path).isEqualTo(200);
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + "/products/x")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("the API is not on the management port").isEqualTo(404);
    }

    @Test
    void authenticatedReadsAndAConfiguredEcPublicKey() throws Exception {
        ECKey signer = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        String pem = PublicKeyPem.encode(signer.toECPublicKey());
        try (CatalogApp authenticatedReads = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", h2Url(),
                "CATALOG_AUTH_READS", "authenticated",
                "CATALOG_AUTH_JWT_PUBLIC_KEY", pem,
                "CATALOG_AUTH_JWT_ISSUER", TestIssuer.ISSUER,
                "CATALOG_AUTH_JWT_AUDIENCE", TestIssuer.AUDIENCE,
                "CATALOG_AUTH_API_KEYS", readerKey.entry())))) {
            URI base = URI.create("http://127.0.0.1:" + authenticatedReads.port());
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                    issuer.claims("dave", Scopes.WRITE).build());
            jwt.sign(new ECDSASigner(signer));
            String id = newId();
            assertThat(HTTP.send(HttpRequest.newBuilder(base.resolve("/products/" + id)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + jwt.serialize()).PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            // The JWKS issuer's RS256 token does not verify against the configured EC key.
            assertThat(HTTP.send(HttpRequest.newBuilder(base.resolve("/products/" + id))
                    .header("Authorization", "Bearer " + issuer.token("alice", Scopes.WRITE)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

            HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(base.resolve("/products/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"cachesync-catalog\"");
            assertThat(HTTP.send(HttpRequest.newBuilder(base.resolve("/products/" + id))
                    .header("Authorization", "Bearer " + readerKey.key()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void authenticationOffIsExplicitLoudAndStillLogsWrites() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (CatalogApp open = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", h2Url(),
                "CATALOG_AUTH_DISABLED", "true")))) {
            String id = newId();
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port() + "/products/" + id))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            assertThat(logs.list).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                    && e.getFormattedMessage().contains("AUTHENTICATION IS DISABLED"));
            assertThat(logs.list).anyMatch(e -> e.getFormattedMessage()
                    .contains("write PUT /products/" + id + " -> 201 by anonymous (authentication disabled)"));
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void anUnreachableJwksIs503RetryNot401() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CatalogApp withoutKeys = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", h2Url(),
                "CATALOG_AUTH_JWKS_URL", "http://127.0.0.1:" + closedPort + "/jwks.json",
                "CATALOG_AUTH_JWT_ISSUER", TestIssuer.ISSUER,
                "CATALOG_AUTH_JWT_AUDIENCE", TestIssuer.AUDIENCE)))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + withoutKeys.port() + "/products/" + newId()))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + issuer.token("alice", Scopes.WRITE))
                    .PUT(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("authentication_unavailable");
        }
    }

    private static String h2Url() {
        return "jdbc:h2:mem:auth_" + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    }

    private static String newId() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<ProductChange> changesOf(String id) {
        return OutboxTable.changes(database).stream().filter(c -> c.productId().equals(id)).toList();
    }

    private static HttpResponse<String> put(String id, String authorization) throws Exception {
        return send("PUT", "/products/" + id, authorization, BODY);
    }

    private static HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        return send(method, path, authorization, "{}");
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, "");
    }
}
