package dev.cachesync.demo;

import dev.cachesync.demo.stack.Topology;
import dev.cachesync.devstack.KafkaCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code ./demo.sh} was asked to do. Every option has a default that runs the whole demo in about a minute
 * on a laptop; {@link #parse} names the option at fault for anything it cannot use.
 *
 * @param orders             orders in each simulated day (each run of the comparison)
 * @param productsPerOrder   product reads per order
 * @param instances          order-service instances in the comparison (the scenarios use at least ten)
 * @param products           products seeded into the catalog
 * @param categories         categories the products are spread over
 * @param brands             brands the products are spread over (0 = no brands)
 * @param runDuration        wall time one simulated day is compressed into
 * @param updateEvery        a product price change through the catalog API this often during a run
 * @param originLatency      artificial latency added to every catalog API call by the order services
 * @param maxAgeSeconds      the catalog's Cache-Control max-age (and stale-while-revalidate): what private
 *                           caches such as browsers, and the per-instance baseline, keep a product for
 * @param sMaxAgeSeconds     the catalog's Cache-Control s-maxage: what shared caches (cachesync) keep it for;
 *                           events purge it on a change, so it can be long
 * @param staleBound         a read is stale if a newer version was acknowledged longer than this before it started
 * @param zipfExponent       skew of product popularity (1.0 = classic Zipf)
 * @param seed               seed of the simulated workload (both runs replay the same orders and updates)
 * @param outputDir          where comparison.md (and demo.log) go
 * @param keepRunning        after the demo, keep the stack up until Ctrl-C
 * @param skipComparison     only the scenarios (quick look, or with keepRunning to explore)
 * @param topology           Redis standalone or Cluster, brokers, partitions and invalidator instances
 */
public record DemoOptions(
        int orders,
        int productsPerOrder,
        int instances,
        int products,
        int categories,
        int brands,
        Duration runDuration,
        Duration updateEvery,
        Duration originLatency,
        int maxAgeSeconds,
        int sMaxAgeSeconds,
        Duration staleBound,
        double zipfExponent,
        long seed,
        Path outputDir,
        boolean keepRunning,
        boolean skipComparison,
        Topology topology) {

    /** Instances the scenarios need: the guide's third test spreads ten orders over ten instances. */
    public static final int SCENARIO_INSTANCES = 10;

    public static DemoOptions defaults() {
        return new DemoOptions(1000, 3, 5, 200, 5, 5, Duration.ofSeconds(20), Duration.ofMillis(500),
                Duration.ofMillis(20), 5, 86_400, Duration.ofSeconds(1), 1.0, 42, Path.of("demo-results"), false, false,
                Topology.STANDARD);
    }

    public static final String USAGE = """
            Usage: ./demo.sh [options]
              --orders N              orders per simulated day (default 1000)
              --products-per-order N  product reads per order (default 3)
              --instances N           order-service instances in the comparison (default 5)
              --products N            products seeded into the catalog (default 200)
              --categories N          categories they are spread over (default 5)
              --brands N              brands they are spread over, 0 = none (default 5)
              --duration SECONDS      wall time of one simulated day (default 20)
              --update-every MS       a price change through the catalog API this often (default 500)
              --origin-latency MS     latency added to each catalog API call (default 20)
              --max-age SECONDS       the catalog's Cache-Control max-age (default 5)
              --s-maxage SECONDS      the catalog's Cache-Control s-maxage, for shared caches (default 86400)
              --stale-bound MS        staleness bound for counting stale reads (default 1000)
              --zipf S                product popularity skew (default 1.0)
              --seed N                workload seed (default 42)
              --out DIR               where comparison.md and demo.log go (default demo-results)
              --redis-cluster         the shared cache on a Redis Cluster (3 primaries + 3 replicas)
                                      instead of one redis-server
              --brokers N             Kafka brokers: 1, or 3 to 9 for a cluster with replication factor 3
                                      and min.insync.replicas 2 (default 1)
              --partitions N          partitions of the topics (default 3; 6 with --brokers 3 or more)
              --invalidators N        invalidator instances sharing the partitions, at most --partitions
                                      (default 1)
              --skip-comparison       run the scenarios only
              --keep-running          keep the stack up afterwards (URLs printed) until Ctrl-C
              --help                  this text
            """;

    /** Thrown for bad arguments; the message names the option. */
    public static final class BadOption extends IllegalArgumentException {
        public BadOption(String message) {
            super(message);
        }
    }

    /** Parses {@code --name value} and {@code --name=value}; {@code --help} yields null. */
    public static DemoOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new BadOption("unexpected argument '" + arg + "' (options start with --; see --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "help", "keep-running", "skip-comparison", "redis-cluster" -> {
                    if (value != null) {
                        throw new BadOption("--" + name + " takes no value");
                    }
                    values.put(name, "true");
                }
                case "orders", "products-per-order", "instances", "products", "categories", "brands", "duration",
                        "update-every", "origin-latency", "max-age", "s-maxage", "stale-bound", "zipf", "seed", "out", "brokers",
                        "partitions", "invalidators" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw new BadOption("--" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    values.put(name, value);
                }
                default -> throw new BadOption("unknown option --" + name + " (see --help)");
            }
        }
        if (values.containsKey("help")) {
            return null;
        }
        DemoOptions d = defaults();
        return new DemoOptions(
                number(values, "orders", d.orders(), 1, 10_000_000),
                number(values, "products-per-order", d.productsPerOrder(), 1, 50),
                number(values, "instances", d.instances(), 1, 100),
                number(values, "products", d.products(), SCENARIO_INSTANCES, 100_000),
                number(values, "categories", d.categories(), 1, 100_000),
                number(values, "brands", d.brands(), 0, 100_000),
                Duration.ofMillis(number(values, "duration", (int) d.runDuration().toSeconds(), 1, 86_400) * 1000L),
                Duration.ofMillis(number(values, "update-every", (int) d.updateEvery().toMillis(), 1, 3_600_000)),
                Duration.ofMillis(number(values, "origin-latency", (int) d.originLatency().toMillis(), 0, 10_000)),
                number(values, "max-age", d.maxAgeSeconds(), 1, 86_400),
                number(values, "s-maxage", d.sMaxAgeSeconds(), 1, 31_536_000),
                Duration.ofMillis(number(values, "stale-bound", (int) d.staleBound().toMillis(), 1, 3_600_000)),
                parsed(values, "zipf", d.zipfExponent(), Double::parseDouble, v -> v >= 0 && v <= 5, "a number from 0 to 5"),
                parsed(values, "seed", d.seed(), Long::parseLong, v -> true, "a whole number"),
                values.containsKey("out") ? Path.of(values.get("out")) : d.outputDir(),
                values.containsKey("keep-running"),
                values.containsKey("skip-comparison"),
                topology(values));
    }

    private static Topology topology(Map<String, String> values) {
        int brokers = parsed(values, "brokers", 1, Integer::parseInt,
                v -> v == 1 || (v >= 3 && v <= KafkaCluster.MAX_NODES),
                "1, or 3 to " + KafkaCluster.MAX_NODES + " (a cluster of 2 loses its quorum with either broker)");
        int partitions = number(values, "partitions", Topology.defaultPartitions(brokers), 1, 64);
        int invalidators = number(values, "invalidators", 1, 1, 64);
        if (invalidators > partitions) {
            throw new BadOption("--invalidators (" + invalidators + ") must not exceed --partitions (" + partitions
                    + "): an instance beyond the partition count would get no partition");
        }
        return new Topology(values.containsKey("redis-cluster"), brokers, partitions, invalidators);
    }

    /** Product reads of one simulated day. */
    public int reads() {
        return orders * productsPerOrder;
    }

    private static int number(Map<String, String> values, String name, int fallback, int min, int max) {
        return parsed(values, name, fallback, Integer::parseInt, v -> v >= min && v <= max,
                "a whole number from " + min + " to " + max);
    }

    private static <T> T parsed(Map<String, String> values, String name, T fallback, Function<String, T> parser,
                                java.util.function.Predicate<T> valid, String expected) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            T value = parser.apply(raw.trim());
            if (valid.test(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOption("--" + name + " must be " + expected + ", was '" + raw + "'");
    }
}
