package dev.cachesync.demo.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static final List<String> PRODUCTS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    private static Workload.Spec spec(long seed) {
        return new Workload.Spec(500, 3, 4, PRODUCTS, Duration.ofSeconds(10), Duration.ofMillis(500), 1.0, seed);
    }

    @Test
    void theSameSeedReplaysTheSameDay() {
        assertThat(Workload.generate(spec(7))).isEqualTo(Workload.generate(spec(7)));
        assertThat(Workload.generate(spec(7))).isNotEqualTo(Workload.generate(spec(8)));
    }

    @Test
    void ordersArriveInOrderWithinTheDayOnKnownInstances() {
        Workload day = Workload.generate(spec(1));
        assertThat(day.orders()).hasSize(500);
        assertThat(day.reads()).isEqualTo(1500);
        long previous = 0;
        for (Workload.Order order : day.orders()) {
            assertThat(order.atNanos()).isBetween(previous, Duration.ofSeconds(10).toNanos());
            previous = order.atNanos();
            assertThat(order.instance()).isBetween(0, 3);
            assertThat(order.productIds()).hasSize(3).doesNotHaveDuplicates().isSubsetOf(PRODUCTS);
        }
    }

    @Test
    void pricesChangeOnScheduleAndPopularProductsAreReadMost() {
        Workload day = Workload.generate(spec(3));
        assertThat(day.updates()).hasSize(19); // every 500 ms within 10 s, not at 0
        assertThat(day.updates().get(0).atNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
        Map<String, Integer> reads = new HashMap<>();
        day.orders().forEach(o -> o.productIds().forEach(id -> reads.merge(id, 1, Integer::sum)));
        int most = reads.values().stream().max(Integer::compare).orElseThrow();
        int least = reads.values().stream().min(Integer::compare).orElseThrow();
        assertThat(most).isGreaterThan(2 * least);
    }

    @Test
    void anOrderCannotWantMoreDistinctProductsThanExist() {
        assertThatThrownBy(() -> Workload.generate(new Workload.Spec(1, 11, 1, PRODUCTS, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 1))).hasMessageContaining("productsPerOrder (11)");
    }
}
