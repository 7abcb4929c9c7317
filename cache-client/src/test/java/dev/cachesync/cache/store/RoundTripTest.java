package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.purge.TagPurger;
import dev.cachesync.devstack.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Round trips of the store's calls on the hit and fill paths, counted by Redis itself (its MONITOR feed) on a
 * Redis of this test's own: a Redis hit, a miss's read and a fill (ending its fill lock) are one command each.
 */
class RoundTripTest {

    static RedisServer redis;
    static RedissonClient instance;
    static RedissonClient counter;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        instance = TestRedis.client(redis);
        counter = TestRedis.client(redis);
    }

    @AfterAll
    static void stop() {
        instance.shutdown();
        counter.shutdown();
        redis.close();
    }

    @Test
    void aRedisHitAMissAndAFillAreOneRoundTripEach() throws Exception {
        CacheStore store = new CacheStore(instance, TestRedis.uniquePrefix("round-trips"),
                new CacheStore.Options(false, 1, Duration.ofSeconds(5)));
        // warm up: scripts loaded, connections open
        store.fill("/warm", TestRedis.entry("warm", store.sequence(), "product:0"), future());
        store.read("/warm");
        store.read("/absent");
        echo("warm");
        long sequence = store.sequence();

        assertThat(commands(() -> store.read("/p/1"))).as("a miss's read").hasSize(1);
        assertThat(commands(() -> store.fill("/p/1", TestRedis.entry("v1", sequence, "product:1", "category:a"),
                future()))).as("a fill").hasSize(1);
        assertThat(commands(() -> store.read("/p/1"))).as("a Redis hit, checked").hasSize(1);
        assertThat(store.read("/p/1")).isNotNull();
        store.close();
    }

    @Test
    void aFillEndsItsLockInItsOwnRoundTripStoredOrFenced() throws Exception {
        CacheStore store = new CacheStore(instance, TestRedis.uniquePrefix("fill-lock"),
                new CacheStore.Options(false, 1, Duration.ofSeconds(5)));
        Duration marker = Duration.ofSeconds(5);
        store.fill("/warm", TestRedis.entry("warm", store.sequence(), "product:0"), future(),
                new CacheStore.FillLock("nobody", marker));
        echo("warm");

        long sequence = store.tryLockAndReadSequence("/p/1", "filler-1", Duration.ofSeconds(5));
        assertThat(commands(() -> store.fill("/p/1", TestRedis.entry("v1", sequence, "product:1"), future(),
                new CacheStore.FillLock("filler-1", marker)))).as("a fill that ends its lock").hasSize(1);
        assertThat(store.fillLockState("/p/1")).isEqualTo(new CacheStore.FillLockState.Ended(CacheStore.FillEnd.STORED));

        long before = store.tryLockAndReadSequence("/p/2", "filler-2", Duration.ofSeconds(5));
        TagPurger.create(instance, store.layout().prefix()).purgeTags(java.util.List.of("product:2"));
        assertThat(store.fill("/p/2", TestRedis.entry("old", before, "product:2"), future(),
                new CacheStore.FillLock("filler-2", marker))).isEqualTo(CacheStore.FillOutcome.DISCARDED_BY_FENCE);
        assertThat(store.fillLockState("/p/2")).isEqualTo(new CacheStore.FillLockState.Ended(CacheStore.FillEnd.FENCED));

        // a filler whose lease lapsed and whose lock another filler took leaves that lock alone
        assertThat(store.tryLockAndReadSequence("/p/3", "other", Duration.ofSeconds(5))).isNotNegative();
        store.fill("/p/3", TestRedis.entry("v", store.sequence(), "product:3"), future(),
                new CacheStore.FillLock("late", marker));
        assertThat(store.fillLockState("/p/3")).isEqualTo(new CacheStore.FillLockState.Held());
        store.close();
    }

    static long future() {
        return System.currentTimeMillis() + 60_000;
    }

    /**
     * Commands clients sent while {@code action} ran, as Redis' MONITOR feed shows them (in execution order;
     * commands a script runs are marked "lua" and not counted): everything between two ECHO markers.
     */
    @Test
    void aFillPublishesAnInvalidationOnlyWhenItReplacesAnEntry() throws Exception {
        CacheStore store = new CacheStore(instance, TestRedis.uniquePrefix("publish"),
                new CacheStore.Options(false, 1, Duration.ofSeconds(5)));
        store.fill("/warm", TestRedis.entry("warm", store.sequence(), "product:0"), future());
        echo("warm");
        long sequence = store.sequence();

        // no near cache can hold a copy of an entry that never existed: nothing to tell
        assertThat(monitor(() -> store.fill("/p/1", TestRedis.entry("v1", sequence, "product:1"), future()), true))
                .noneMatch(line -> line.contains("\"publish\""));
        assertThat(monitor(() -> store.fill("/p/1", TestRedis.entry("v2", sequence, "product:1"), future()), true))
                .anyMatch(line -> line.contains("\"publish\""));
        assertThat(monitor(() -> store.remove(List.of("/p/1"), List.of("product:1")), true))
                .anyMatch(line -> line.contains("\"publish\""));
        store.close();
    }

    List<String> commands(Supplier<?> action) throws Exception {
        return monitor(action, false);
    }

    /** The MONITOR lines of {@code action}: the clients' commands, and with {@code scripts} the scripts' too. */
    List<String> monitor(Supplier<?> action, boolean scripts) throws Exception {
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            out.write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("+OK");
            String begin = "begin-" + System.nanoTime();
            String end = "end-" + System.nanoTime();
            echo(begin);
            action.get();
            echo(end);
            List<String> commands = new ArrayList<>();
            boolean counting = false;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains("\"" + end + "\"")) {
                    return commands;
                }
                if (line.contains("\"" + begin + "\"")) {
                    counting = true;
                } else if (counting && (scripts || !line.contains(" lua] ")) && !line.contains("\"PING\"")
                        && !line.contains("\"ping\"")) {
                    commands.add(line.length() > 120 ? line.substring(0, 120) : line);
                }
            }
            throw new IllegalStateException("MONITOR feed ended before the end marker");
        }
    }

    void echo(String marker) {
        counter.getScript(org.redisson.client.codec.StringCodec.INSTANCE).eval(
                org.redisson.api.RScript.Mode.READ_ONLY, "return 1", org.redisson.api.RScript.ReturnType.LONG,
                List.of(), marker);
    }
}
