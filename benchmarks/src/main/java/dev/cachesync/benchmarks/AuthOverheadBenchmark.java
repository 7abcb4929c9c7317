package dev.cachesync.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.app.Database;
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.PublicKeyPem;
import dev.cachesync.catalog.auth.Scopes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What authentication costs a catalog write: sequential PATCHes (each commits a new version and its outbox row;
 * relay off, so Kafka is not measured) against a catalog with authentication off, with an API key (one of 100
 * entries) and with an RS256 JWT checked against a configured public key. The modes take turns in rounds, so that
 * load changes on the shared machine hit all of them alike.
 */
final class AuthOverheadBenchmark {
    static final int WARMUP = 500;
    static final int ROUNDS = 5;
    static final int PER_ROUND = 400;

    record Mode(String name, URI product, String authorization) {
    }

    /** Per mode: latencies in microseconds, sorted. */
    Map<String, long[]> run() throws Exception {
        ApiKeys.MintedKey writer = ApiKeys.mint("bench-writer", Scopes.WRITE);
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 99; i++) {
            entries.append(ApiKeys.mint("other-" + i, Scopes.WRITE).entry()).append('\n');
        }
        entries.append(writer.entry());
        RSAKey signer = new RSAKeyGenerator(2048).keyID("bench").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(),
                new JWTClaimsSet.Builder().issuer("https://issuer.bench/").audience("catalog").subject("bench")
                        .claim("scope", Scopes.WRITE).expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(new RSASSASigner(signer));
        String pem = PublicKeyPem.encode(signer.toRSAPublicKey());

        try (CatalogApp open = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                     "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", h2(),
                     "CATALOG_AUTH_DISABLED", "true")));
             CatalogApp secured = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                     "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0", "OUTBOX_RELAY_ENABLED", "false", "JDBC_URL", h2(),
                     "CATALOG_AUTH_API_KEYS", entries.toString(), "CATALOG_AUTH_JWT_PUBLIC_KEY", pem,
                     "CATALOG_AUTH_JWT_ISSUER", "https://issuer.bench/", "CATALOG_AUTH_JWT_AUDIENCE", "catalog")))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<Mode> modes = List.of(
                    new Mode("authentication off", product(open, "bench-open"), null),
                    new Mode("API key (1 of 100 entries)", product(secured, "bench-key"), "Bearer " + writer.key()),
                    new Mode("JWT RS256 (configured key)", product(secured, "bench-jwt"), "Bearer " + jwt.serialize()));
            for (Mode mode : modes) {
                send(http, mode, "PUT", "{\"name\":\"Bench\",\"priceCents\":1,\"categorySlug\":\"bench\"}");
                measure(http, mode, WARMUP);
            }
            Map<String, long[]> micros = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (Mode mode : modes) {
                    long[] sample = measure(http, mode, PER_ROUND);
                    micros.merge(mode.name(), sample, (a, b) -> {
                        long[] all = Arrays.copyOf(a, a.length + b.length);
                        System.arraycopy(b, 0, all, a.length, b.length);
                        return all;
                    });
                }
            }
            micros.values().forEach(Arrays::sort);
            return micros;
        }
    }

    private static long[] measure(HttpClient http, Mode mode, int writes) throws Exception {
        long[] micros = new long[writes];
        for (int i = 0; i < writes; i++) {
            long start = System.nanoTime();
            send(http, mode, "PATCH", "{\"priceCents\":" + (100 + i) + "}");
            micros[i] = (System.nanoTime() - start) / 1000;
        }
        return micros;
    }

    private static void send(HttpClient http, Mode mode, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(mode.product()).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (mode.authorization() != null) {
            request.header("Authorization", mode.authorization());
        }
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(mode.name() + ": " + method + " answered " + response.statusCode());
        }
    }

    private static URI product(CatalogApp app, String id) {
        return URI.create("http://127.0.0.1:" + app.port() + "/products/" + id);
    }

    private static String h2() {
        return Database.DEFAULT_H2_URL.replace("mem:catalog", "mem:bench-auth-" + UUID.randomUUID());
    }

    static String toMarkdown(Map<String, long[]> micros) {
        long[] baseline = micros.values().iterator().next();
        StringBuilder md = new StringBuilder("| mode | writes | mean | p50 | p99 | mean vs off | p50 vs off |\n"
                + "|---|---|---|---|---|---|---|\n");
        micros.forEach((mode, sample) -> md.append(String.format(Locale.ROOT, "| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2fx | %.2fx |%n",
                mode, sample.length, mean(sample) / 1000, pct(sample, 50) / 1000, pct(sample, 99) / 1000,
                mean(sample) / mean(baseline), pct(sample, 50) / pct(baseline, 50))));
        return md.toString();
    }

    private static double mean(long[] sorted) {
        return Arrays.stream(sorted).average().orElse(0);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }
}
