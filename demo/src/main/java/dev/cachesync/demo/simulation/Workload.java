package dev.cachesync.demo.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A simulated day, fixed by its seed so both runs of the comparison replay exactly the same orders and updates.
 * Orders arrive at random times over the run; each reads a few distinct products, picked by Zipf popularity over a
 * shuffled product list; price changes hit products with the same popularity (what sells gets repriced).
 */
public record Workload(List<Order> orders, List<Update> updates, Duration duration) {

    /** An order: at {@code at} after the start, on instance {@code instance}, reading {@code productIds}. */
    public record Order(long atNanos, int instance, List<String> productIds) {
    }

    /** A price change through the catalog API at {@code at} after the start. */
    public record Update(long atNanos, String productId, long priceCents) {
    }

    public record Spec(int orders, int productsPerOrder, int instances, List<String> productIds, Duration duration,
                       Duration updateEvery, double zipfExponent, long seed) {
    }

    public static Workload generate(Spec spec) {
        if (spec.productsPerOrder() > spec.productIds().size()) {
            throw new IllegalArgumentException("productsPerOrder (" + spec.productsPerOrder()
                    + ") cannot exceed the number of products (" + spec.productIds().size() + ")");
        }
        Random random = new Random(spec.seed());
        List<String> byPopularity = new ArrayList<>(spec.productIds());
        Collections.shuffle(byPopularity, random);
        Zipf popularity = new Zipf(byPopularity.size(), spec.zipfExponent());
        long durationNanos = spec.duration().toNanos();

        List<Long> arrivals = new ArrayList<>(spec.orders());
        for (int i = 0; i < spec.orders(); i++) {
            arrivals.add((long) (random.nextDouble() * durationNanos));
        }
        Collections.sort(arrivals);
        List<Order> orders = new ArrayList<>(spec.orders());
        for (long at : arrivals) {
            Set<String> products = new LinkedHashSet<>();
            while (products.size() < spec.productsPerOrder()) {
                products.add(byPopularity.get(popularity.sample(random)));
            }
            orders.add(new Order(at, random.nextInt(spec.instances()), List.copyOf(products)));
        }

        List<Update> updates = new ArrayList<>();
        long every = spec.updateEvery().toNanos();
        for (long at = every; at < durationNanos; at += every) {
            String product = byPopularity.get(popularity.sample(random));
            updates.add(new Update(at, product, 500 + random.nextInt(49_500)));
        }
        return new Workload(List.copyOf(orders), List.copyOf(updates), spec.duration());
    }

    public int reads() {
        return orders.stream().mapToInt(o -> o.productIds().size()).sum();
    }
}
