package dev.cachesync.catalog.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.testing.OutboxTable;
import dev.cachesync.catalog.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The store's behaviour, run against H2 and PostgreSQL by the subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProductStoreContract {
    private static final AtomicInteger IDS = new AtomicInteger();
    private TestDatabase db;
    private ProductStore store;

    abstract TestDatabase openDatabase();

    @BeforeAll
    void open() {
        db = openDatabase();
        store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).source("store-test").build();
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
    }

    static String newId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    static ProductDraft shoe(String category, String brand, long price) {
        return ProductDraft.builder().name("Trail shoe").description("Grippy").priceCents(price).stock(5)
                .categorySlug(category).brandSlug(brand).build();
    }

    List<ProductChange> outboxFor(String id) {
        return OutboxTable.changes(db.dataSource()).stream().filter(c -> c.productId().equals(id)).toList();
    }

    @Test
    void creatingWritesVersionOneAndOneCreatedEventWithTheProductsTags() {
        String id = newId("p");
        WriteResult result = store.put(id, shoe("shoes", "acme", 4999), WriteCondition.always(), "trace-1");

        assertThat(result.created()).isTrue();
        Product stored = store.find(id).orElseThrow();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.priceCents()).isEqualTo(4999);
        assertThat(stored).isEqualTo(result.product());

        List<ProductChange> events = outboxFor(id);
        assertThat(events).hasSize(1);
        ProductChange created = events.get(0);
        assertThat(created.type()).isEqualTo(ChangeType.CREATED);
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.before()).isNull();
        assertThat(created.after()).isEqualTo(stored);
        assertThat(created.occurredAt()).isEqualTo(stored.updatedAt());
        assertThat(created.tags()).containsExactly("product:" + id, "category:shoes", "brand:acme");
        assertThat(created.source()).isEqualTo("store-test");
        assertThat(created.traceId()).isEqualTo("trace-1");
    }

    @Test
    void movingCategoryAndBrandTouchesOldAndNewTags() {
        String id = newId("p");
        store.put(id, shoe("shoes", "acme", 4999), WriteCondition.always(), null);
        WriteResult moved = store.put(id, shoe("boots", "bolt", 4999), WriteCondition.always(), null);

        assertThat(moved.product().version()).isEqualTo(2);
        ProductChange update = outboxFor(id).get(1);
        assertThat(update.type()).isEqualTo(ChangeType.UPDATED);
        assertThat(update.version()).isEqualTo(2);
        assertThat(update.before().categorySlug()).isEqualTo("shoes");
        assertThat(update.after().categorySlug()).isEqualTo("boots");
        assertThat(update.tags()).containsExactlyInAnyOrder(
                "product:" + id, "category:shoes", "category:boots", "brand:acme", "brand:bolt");
    }

    @Test
    void anUnchangedReplaceWritesNothing() {
        String id = newId("p");
        store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null);
        WriteResult again = store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null);

        assertThat(again.changed()).isFalse();
        assertThat(store.find(id).orElseThrow().version()).isEqualTo(1);
        assertThat(outboxFor(id)).hasSize(1);
    }

    @Test
    void patchChangesOnlyTheGivenFields() {
        String id = newId("p");
        store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null);
        WriteResult patched = store.patch(id, ProductPatch.builder().priceCents(90).brandSlug(null).build(),
                WriteCondition.always(), null);

        Product p = store.find(id).orElseThrow();
        assertThat(p).isEqualTo(patched.product());
        assertThat(p.priceCents()).isEqualTo(90);
        assertThat(p.brandSlug()).isNull();
        assertThat(p.name()).isEqualTo("Trail shoe");
        assertThat(p.stock()).isEqualTo(5);
        assertThat(p.version()).isEqualTo(2);
        assertThat(outboxFor(id).get(1).tags()).containsExactlyInAnyOrder("product:" + id, "category:shoes", "brand:acme");
    }

    @Test
    void anInvalidPatchWritesNothing() {
        String id = newId("p");
        store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null);

        assertThatThrownBy(() -> store.patch(id, ProductPatch.builder().priceCents(-1).build(), WriteCondition.always(), null))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                        .containsExactly("priceCents"));
        assertThat(store.find(id).orElseThrow().version()).isEqualTo(1);
        assertThat(outboxFor(id)).hasSize(1);
    }

    @Test
    void patchOrDeleteOfAMissingProductIsNotFoundAndWritesNothing() {
        String id = newId("missing");
        assertThatThrownBy(() -> store.patch(id, ProductPatch.builder().stock(1).build(), WriteCondition.always(), null))
                .isInstanceOf(ProductNotFoundException.class);
        assertThatThrownBy(() -> store.delete(id, WriteCondition.always(), null))
                .isInstanceOf(ProductNotFoundException.class);
        assertThat(outboxFor(id)).isEmpty();
    }

    @Test
    void deleteLeavesATombstoneSoVersionsKeepIncreasingWhenTheIdReturns() {
        String id = newId("p");
        Product created = store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null).product();
        store.delete(id, WriteCondition.always(), null);

        assertThat(store.find(id)).isEmpty();
        ProductChange deleted = outboxFor(id).get(1);
        assertThat(deleted.type()).isEqualTo(ChangeType.DELETED);
        assertThat(deleted.version()).isEqualTo(2);
        assertThat(deleted.before()).isEqualTo(created);
        assertThat(deleted.after()).isNull();
        assertThat(deleted.tags()).containsExactlyInAnyOrder("product:" + id, "category:shoes", "brand:acme");

        WriteResult again = store.put(id, shoe("boots", null, 100), WriteCondition.always(), null);
        assertThat(again.created()).isTrue();
        assertThat(again.product().version()).isEqualTo(3);
        assertThat(outboxFor(id)).extracting(ProductChange::version).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aFailedPreconditionWritesNothing() {
        String id = newId("p");
        store.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null);

        assertThatThrownBy(() -> store.put(id, shoe("shoes", "acme", 200), WriteCondition.versionIn(Set.of(7L)), null))
                .isInstanceOf(PreconditionFailedException.class)
                .satisfies(e -> assertThat(((PreconditionFailedException) e).current().version()).isEqualTo(1));
        assertThatThrownBy(() -> store.put(id, shoe("shoes", "acme", 200), WriteCondition.absent(), null))
                .isInstanceOf(PreconditionFailedException.class);
        store.put(id, shoe("shoes", "acme", 200), WriteCondition.versionIn(Set.of(1L)), null);

        assertThat(store.find(id).orElseThrow().priceCents()).isEqualTo(200);
        assertThat(outboxFor(id)).hasSize(2);
    }

    @Test
    void theProductRowAndItsOutboxRowCommitTogether() {
        String id = newId("p");
        ProductStore failingOutbox = ProductStore.builder(db.dataSource()).changeSink((tx, change) -> {
            new OutboxWriter().append(tx, change);
            throw new SQLException("outbox disk full");
        }).build();

        assertThatThrownBy(() -> failingOutbox.put(id, shoe("shoes", "acme", 100), WriteCondition.always(), null))
                .isInstanceOf(StoreException.class);
        assertThat(store.find(id)).isEmpty();
        assertThat(outboxFor(id)).isEmpty();
    }

    @Test
    void readsByIdsAndByCategory() {
        String category = newId("cat");
        String a = newId("a");
        String b = newId("b");
        String c = newId("c");
        for (String id : List.of(a, b, c)) {
            store.put(id, shoe(category, null, 100), WriteCondition.always(), null);
        }
        store.delete(c, WriteCondition.always(), null);

        assertThat(store.findAll(List.of(b, "nope", a)).keySet()).containsExactly(b, a);
        assertThat(store.findByCategory(category, null, 10)).extracting(Product::id).containsExactly(a, b);
        assertThat(store.findByCategory(category, null, 1)).extracting(Product::id).containsExactly(a);
        assertThat(store.findByCategory(category, a, 10)).extracting(Product::id).containsExactly(b);
    }

    @Test
    void concurrentChangesOfOneProductGetConsecutiveVersionsInOutboxOrder() throws Exception {
        String id = newId("hot");
        store.put(id, shoe("shoes", "acme", 0), WriteCondition.always(), null);
        int writers = 4;
        int changesEach = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            AtomicInteger price = new AtomicInteger();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < changesEach; i++) {
                        store.patch(id, ProductPatch.builder().priceCents(price.incrementAndGet()).build(),
                                WriteCondition.always(), null);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        int total = 1 + writers * changesEach;
        assertThat(store.find(id).orElseThrow().version()).isEqualTo(total);
        List<Long> versions = outboxFor(id).stream().map(ProductChange::version).toList();
        assertThat(versions).hasSize(total).isSorted().doesNotHaveDuplicates();
        List<Instant> times = outboxFor(id).stream().map(ProductChange::occurredAt).toList();
        assertThat(times).isSorted();
    }

    @Test
    void concurrentCreatesOfOneNewIdMakeOneCreatedEventAndConsecutiveVersions() throws Exception {
        String id = newId("race");
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Future<WriteResult>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long price = 100 + w;
                done.add(pool.submit(() -> {
                    go.await();
                    return store.put(id, shoe("shoes", "acme", price), WriteCondition.always(), null);
                }));
            }
            go.countDown();
            for (Future<WriteResult> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<ProductChange> events = outboxFor(id);
        assertThat(events).extracting(ProductChange::type).containsOnlyOnce(ChangeType.CREATED);
        assertThat(events.get(0).type()).isEqualTo(ChangeType.CREATED);
        assertThat(events).extracting(ProductChange::version)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(store.find(id).orElseThrow().version()).isEqualTo(events.size());
    }
}
