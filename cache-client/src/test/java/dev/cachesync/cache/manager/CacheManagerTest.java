package dev.cachesync.cache.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachesync.cache.TestOrigin;
import dev.cachesync.cache.TestOrigin.Reply;
import dev.cachesync.cache.TestRedis;
import dev.cachesync.cache.client.CacheSource;
import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.devstack.DevStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class CacheManagerTest {

    RedissonClient redisson;
    TestOrigin origin;
    CachingHttpClient client;
    CacheManager manager;

    @BeforeEach
    void start() {
        redisson = TestRedis.client(DevStack.redis());
        origin = TestOrigin.start();
        String prefix = TestRedis.uniquePrefix("manager");
        client = CachingHttpClient.builder().redisson(redisson).keyPrefix(prefix).origin(origin.uri())
                .sweepInterval(Duration.ZERO).build();
        manager = CacheManager.create(redisson, prefix);
        origin.route("/products/1", r -> Reply.ok("p1", "Cache-Control", "max-age=60",
                "Cache-Tags", "product:1, category:shoes"));
        origin.route("/products/10", r -> Reply.ok("p10", "Cache-Control", "max-age=60", "Cache-Tags", "product:10"));
        origin.route("/categories/shoes", r -> Reply.ok("shoes", "Cache-Control", "max-age=60",
                "Cache-Tags", "category:shoes"));
        client.get("/products/1");
        client.get("/products/10");
        client.get("/categories/shoes");
    }

    @AfterEach
    void stop() {
        client.close();
        origin.close();
        redisson.shutdown();
    }

    @Test
    void listsEntriesByKeyPrefixAndByExactTag() {
        assertThat(manager.entries(origin.url("/products/").toString()).map(EntryView::key))
                .containsExactlyInAnyOrder(origin.url("/products/1").toString(), origin.url("/products/10").toString());
        assertThat(manager.entriesByTag("product:1")).extracting(EntryView::key)
                .containsExactly(origin.url("/products/1").toString());
        assertThat(manager.entriesByTag("category:shoes")).hasSize(2);
        assertThatThrownBy(() -> manager.entriesByTag("Bad Tag")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad Tag");
    }

    @Test
    void servesATagsEntriesWithTheirStoredResponsesAsAReaderWouldSeeThem() {
        assertThat(manager.servedByTag("category:shoes")).extracting(TaggedResponses::key).containsExactlyInAnyOrder(
                origin.url("/products/1").toString(), origin.url("/categories/shoes").toString());
        assertThat(manager.servedByTag("product:1")).singleElement().satisfies(e ->
                assertThat(new String(e.responses().get(0).body())).isEqualTo("p1"));
        assertThat(manager.servedByTag("product:404")).isEmpty();
    }

    @Test
    void showsOneEntryWithTagsAndFreshness() {
        EntryView view = manager.entry(origin.url("/products/1").toString()).orElseThrow();
        assertThat(view.tags()).containsExactlyInAnyOrder("product:1", "category:shoes");
        assertThat(view.fresh()).isTrue();
        assertThat(view.variants()).singleElement().satisfies(v -> {
            assertThat(v.freshnessLifetimeSeconds()).isEqualTo(60);
            assertThat(v.bodyBytes()).isEqualTo(2);
            assertThat(v.status()).isEqualTo(200);
        });
        assertThat(view.retainUntil()).isNotNull();
        assertThat(manager.entry("http://nowhere/")).isEmpty();
    }

    @Test
    void statsAndPurgeThroughTheManager() {
        assertThat(manager.stats().entries()).isEqualTo(3);

        var result = manager.purge(List.of("category:shoes"), List.of());

        assertThat(result.entriesRemoved()).isEqualTo(2);
        StoreStats stats = manager.stats();
        assertThat(stats.entries()).isEqualTo(1);
        assertThat(stats.purgeSequence()).isEqualTo(result.sequence());
        assertThat(stats.expiryIndexed()).isEqualTo(1);
        // The manager removed the entries through its own map; the client's near cache learns of it by a
        // Redisson invalidation message, asynchronously (README "Purging"): wait for that, then read.
        String purgedKey = origin.url("/products/1").toString();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.store().readLocal(purgedKey) == null);
        assertThat(client.get("/products/10").source()).isEqualTo(CacheSource.LOCAL);
        // The client's near cache hears of the removal over Redis pub/sub, after purge() returned: soon, not at once.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(client.get("/products/1").source()).isEqualTo(CacheSource.ORIGIN));
    }
}
