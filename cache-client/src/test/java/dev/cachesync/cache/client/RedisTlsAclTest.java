package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.manager.CacheManager;
import dev.cachesync.cache.store.KeyLayout;
import dev.cachesync.devstack.RedisServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.client.RedisException;

/**
 * Redis over TLS (client certificate required) as an ACL user with exactly {@link RedisSettings#aclRules()}: the
 * whole read/fill path, near-cache invalidation across instances, the purge the invalidator runs (TagPurger
 * through CacheManager) and the expiry sweep all work; the default user is off, and the rules really confine
 * the user.
 */
class RedisTlsAclTest {
    private static final String USER = "cachesync";
    private static final String PASSWORD = UUID.randomUUID().toString();
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        String rules = RedisSettings.from(Map.of()).aclRules();
        redis = RedisServer.secured().requireClientCertificates().user(USER, PASSWORD, rules.split(" ")).start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    /** What a deployment sets: TLS, the CA's truststore, a client certificate, the ACL user. */
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of(
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()), "REDIS_TLS", "true",
                "REDIS_SSL_TRUSTSTORE_PATH", redis.certificates().truststore().toString(),
                "REDIS_SSL_TRUSTSTORE_PASSWORD", redis.certificates().password(),
                "REDIS_SSL_KEYSTORE_PATH", redis.certificates().clientKeystore().toString(),
                "REDIS_SSL_KEYSTORE_PASSWORD", redis.certificates().password(),
                "REDIS_USERNAME", USER, "REDIS_PASSWORD", PASSWORD));
        return env;
    }

    @Test
    void theWholeClientPathAndThePurgeWorkWithLeastPrivilegeOverTls() {
        RedisSettings settings = RedisSettings.from(environment());
        assertThat(settings.uri()).startsWith("rediss://");
        AtomicInteger version = new AtomicInteger(1);
        RedissonClient first = settings.createRedisson();
        RedissonClient second = settings.createRedisson();
        try (TestOrigin origin = TestOrigin.start();
             CachingHttpClient a = client(first, settings, origin);
             CachingHttpClient b = client(second, settings, origin)) {
            origin.route("/products/1", r -> Reply.ok("p1 v" + version.get(), "Cache-Control", "max-age=60",
                    "Cache-Tags", "product:1"));

            assertThat(a.get("/products/1").source()).isEqualTo(CacheSource.ORIGIN);
            assertThat(a.get("/products/1").source()).isEqualTo(CacheSource.LOCAL);
            assertThat(b.get("/products/1").source()).isEqualTo(CacheSource.REDIS);
            assertThat(b.get("/products/1").source()).isEqualTo(CacheSource.LOCAL);

            version.set(2);
            CacheManager manager = CacheManager.create(first, settings.keyPrefix());
            assertThat(manager.purge(List.of("product:1"), List.of()).entriesRemoved()).isEqualTo(1);

            // The other instance's near copy goes when Redisson's invalidation message arrives on the allowed channel.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> b.get("/products/1").bodyAsString().equals("p1 v2"));
            assertThat(a.get("/products/1").bodyAsString()).isEqualTo("p1 v2");
            assertThat(manager.sweepExpired()).isZero();
            assertThat(manager.stats().entries()).isEqualTo(1);
        } finally {
            first.shutdown();
            second.shutdown();
        }
    }

    @Test
    void theUserCanTouchNothingOutsideItsPrefixAndNothingDangerous() {
        RedissonClient redisson = RedisSettings.from(environment()).createRedisson();
        try {
            assertThatThrownBy(() -> redisson.getBucket("orders:secret").set("x"))
                    .isInstanceOf(RedisException.class).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> redisson.getKeys().flushall())
                    .isInstanceOf(RedisException.class).hasMessageContaining("NOPERM");
            redisson.getBucket(new KeyLayout(KeyLayout.DEFAULT_PREFIX).prefix() + "probe").set("allowed");
        } finally {
            redisson.shutdown();
        }
    }

    @Test
    void withoutTheUserOrTheClientCertificateThereIsNoConnection() {
        Map<String, String> defaultUser = environment();
        defaultUser.remove("REDIS_USERNAME");
        defaultUser.remove("REDIS_PASSWORD");
        assertRefused(RedisSettings.from(defaultUser), "NOAUTH");

        Map<String, String> noCertificate = environment();
        noCertificate.remove("REDIS_SSL_KEYSTORE_PATH");
        noCertificate.remove("REDIS_SSL_KEYSTORE_PASSWORD");
        // TLS 1.3: the server drops the connection after the handshake; Redisson sees no answer to AUTH.
        assertRefused(RedisSettings.from(noCertificate), "Unable to connect");
    }

    @Test
    void theSettingsNeverPrintThePasswords() {
        String printed = RedisSettings.from(environment()).toString();
        assertThat(printed).doesNotContain(PASSWORD).doesNotContain(redis.certificates().password())
                .contains("user=" + USER).contains("rediss://");
    }

    private static void assertRefused(RedisSettings settings, String why) {
        Config config = settings.redissonConfig();
        config.useSingleServer().setRetryAttempts(0).setConnectTimeout(3000).setTimeout(3000);
        RedissonClient redisson = Redisson.create(config);
        try {
            assertThatThrownBy(() -> redisson.getBucket(KeyLayout.DEFAULT_PREFIX + "probe").get())
                    .isInstanceOf(RuntimeException.class)
                    .satisfies(e -> assertThat(causes(e)).contains(why));
        } finally {
            redisson.shutdown();
        }
    }

    private static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    private static CachingHttpClient client(RedissonClient redisson, RedisSettings settings, TestOrigin origin) {
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(settings.keyPrefix()).origin(origin.uri())
                .sweepInterval(Duration.ZERO).build();
    }
}
