package dev.cachesync.cache.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.TwoInstances;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;

/**
 * A fault of one key or one call (an undecodable entry, a command Redis refuses, an interrupt) costs that
 * request a miss; the instance keeps using Redis for everything else. Real Redis (devstack).
 */
class RedisFaultTest extends TwoInstances {

    TestOrigin origin;
    String prefix;
    CachingHttpClient a;
    CachingHttpClient b;

    @BeforeEach
    void start() {
        origin = TestOrigin.start();
        for (String path : new String[] {"/bad", "/good", "/newer", "/tagged"}) {
            origin.route(path, r -> Reply.ok("body" + path, "Cache-Control", "max-age=600",
                    "Cache-Tags", "product:" + path.substring(1)));
        }
        prefix = TestRedis.uniquePrefix("fault");
        a = client(redisA);
        b = client(redisB);
    }

    CachingHttpClient client(RedissonClient redisson) {
        // a long redisRetryAfter: were a fault taken for an outage, the rest of the test would see no Redis
        return CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri())
                .redisRetryAfter(Duration.ofMinutes(5)).sweepInterval(Duration.ZERO).build();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        origin.close();
    }

    void writeRaw(String path, byte[] value) {
        redisA.getMap(prefix + "entries", new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE))
                .fastPut(a.resolve(path).toString(), value);
    }

    @Test
    void anUndecodableEntryIsDroppedAndRefetchedAndRedisStaysInUse() {
        a.get("/good");
        writeRaw("/bad", new byte[] {1, 0, 0, 0, 1, 0, 0, 0, (byte) 200}); // version 1, truncated

        CachedHttpResponse bad = b.get("/bad");

        assertThat(bad.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(bad.bodyAsString()).isEqualTo("body/bad");
        assertThat(b.stats().redisFaults()).isEqualTo(1);
        assertThat(b.stats().redisErrors()).isZero();
        assertThat(b.get("/good").source()).as("Redis still in use").isEqualTo(CacheSource.REDIS);
        assertThat(a.get("/bad").source()).as("replaced by the refetched entry").isEqualTo(CacheSource.REDIS);
        assertThat(a.get("/bad").bodyAsString()).isEqualTo("body/bad");
    }

    @Test
    void anEntryOfAnUnknownCodecVersionIsAMiss() {
        writeRaw("/newer", new byte[] {99, 1, 2, 3});

        assertThat(b.get("/newer").source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(b.stats().redisFaults()).isZero();
        assertThat(b.stats().redisErrors()).isZero();
        assertThat(a.get("/newer").source()).as("stored by the miss").isEqualTo(CacheSource.REDIS);
    }

    @Test
    void aCommandRedisRefusesForOneKeyCostsThatRequestAMissOnly() {
        a.get("/good");
        a.get("/tagged");
        // the tag set of /tagged becomes a string: the read check's SISMEMBER fails with WRONGTYPE
        redisA.getBucket(prefix + "tag:product:tagged", StringCodec.INSTANCE).set("not a set");

        CachedHttpResponse refused = b.get("/tagged");

        assertThat(refused.source()).isEqualTo(CacheSource.ORIGIN);
        assertThat(refused.bodyAsString()).isEqualTo("body/tagged");
        assertThat(b.stats().redisFaults()).isPositive();
        assertThat(b.stats().redisErrors()).isZero();
        assertThat(b.get("/good").source()).as("Redis still in use").isEqualTo(CacheSource.REDIS);
    }

    @Test
    void anInterruptedCallerDoesNotTurnRedisOffForOthers() throws Exception {
        a.get("/good");
        a.get("/bad");

        CompletableFuture<Throwable> interrupted = CompletableFuture.supplyAsync(() -> {
            Thread.currentThread().interrupt();
            try {
                b.get("/bad");
                return null;
            } catch (RuntimeException e) {
                return e;
            } finally {
                Thread.interrupted();
            }
        });

        // the interrupted caller gets an answer or OriginUnavailableException, depending on whether the origin's
        // answer was complete before its interrupt was noticed; either way only its own request is affected
        Throwable outcome = interrupted.get(5, TimeUnit.SECONDS);
        if (outcome != null) {
            assertThat(outcome).isInstanceOf(OriginUnavailableException.class);
        }
        assertThat(b.stats().redisFaults()).as("the interrupted Redis call").isPositive();
        assertThat(b.stats().redisErrors()).isZero();
        assertThat(b.get("/good").source()).as("Redis still in use").isEqualTo(CacheSource.REDIS);
    }

    @Test
    void faultsAreNotOutagesInTheStoreEither() {
        writeRaw("/bad", new byte[] {1, 0, 0, 0, 1, 0, 0, 0, (byte) 200});
        assertThatThrownBy(() -> a.store().readRaw(a.resolve("/bad").toString()))
                .isInstanceOf(dev.cachesync.cache.store.CacheFaultException.class);
    }
}
