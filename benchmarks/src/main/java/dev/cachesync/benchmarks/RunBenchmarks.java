package dev.cachesync.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the benchmarks and writes Markdown results (with the machine) to {@code results/}:
 * {@code ./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=jmh|proxy|invalidation|relay|auth|all}.
 */
public final class RunBenchmarks {

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        Path results = Path.of("results");
        Files.createDirectories(results);
        if (which.equals("jmh") || which.equals("all")) {
            Collection<RunResult> runs = new Runner(new OptionsBuilder()
                    .include(TierHitBenchmark.class.getSimpleName()).build()).run();
            String md = "# Tier hits (JMH, 1 thread)\n\n" + Machine.describe() + "\n" + jmhTable(runs)
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=jmh`\n";
            Files.writeString(results.resolve("tier-hits.md"), md);
            System.out.println(md);
        }
        if (which.equals("proxy") || which.equals("all")) {
            List<ProxyLoadTest.Outcome> outcomes = new ProxyLoadTest().run();
            String md = "# Proxy load test: no cache vs per-instance in-memory cache vs cache-client\n\n"
                    + Machine.describe() + "\n"
                    + "Setup: " + ProxyLoadTest.INSTANCES + " service instances (HTTP proxies), "
                    + ProxyLoadTest.LOAD_THREADS + " closed-loop load threads, " + ProxyLoadTest.PRODUCTS
                    + " products uniformly, origin " + ProxyLoadTest.ORIGIN_DELAY_MS
                    + " ms per request, max-age=30, one product changes every " + ProxyLoadTest.CHANGE_EVERY_MS
                    + " ms (cache-client purges its tag; the in-memory cache cannot), " + ProxyLoadTest.RUN.toSeconds()
                    + " s per mode after " + ProxyLoadTest.WARMUP.toSeconds() + " s warm-up. Everything (load "
                    + "generator, proxies, origin, Redis) shares this machine.\n\n"
                    + ProxyLoadTest.toMarkdown(outcomes)
                    + "\nStale = the response's version is older than a change that was complete when the request "
                    + "started (for cache-client: whose purge Redis had acknowledged, DESIGN's invariant; near caches "
                    + "may lag by the invalidation message's propagation; for the in-memory cache: the change was "
                    + "written, which it never learns about until its TTL ends). Origin requests are counted after the "
                    + "warm-up, which filled every cache (so the in-memory caches never ask again within their "
                    + "30 s TTL, and serve every changed product stale).\n\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=proxy`\n";
            Files.writeString(results.resolve("proxy-load.md"), md);
            System.out.println(md);
        }
        if (which.equals("invalidation") || which.equals("all")) {
            var outcome = new InvalidationBenchmark().run();
            String md = "# Invalidation: end-to-end latency and invalidator throughput\n\n" + Machine.describe() + "\n"
                    + InvalidationBenchmark.toMarkdown(outcome)
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=invalidation`\n";
            Files.writeString(results.resolve("invalidation.md"), md);
            System.out.println(md);
        }
        if (which.equals("fill-end") || which.equals("all")) {
            String md = "# Waiting for another instance's fill: how long the waiters take\n\n" + Machine.describe()
                    + "\nSetup: " + FillEndBenchmark.READERS_PER_INSTANCE * 2 + " concurrent readers of one new URL "
                    + "on 2 instances, origin " + FillEndBenchmark.ORIGIN_MILLIS + " ms, " + FillEndBenchmark.ROUNDS
                    + " rounds per case, default fillLockWait (500 ms).\n\n"
                    + FillEndBenchmark.toMarkdown(new FillEndBenchmark().run())
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=fill-end`\n";
            Files.writeString(results.resolve("fill-end.md"), md);
            System.out.println(md);
        }
        if (which.equals("relay") || which.equals("all")) {
            String md = "# Outbox relay: events/s and commit-to-Kafka latency\n\n" + Machine.describe() + "\n"
                    + RelayBenchmark.toMarkdown(new RelayBenchmark().run())
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=relay`\n";
            Files.writeString(results.resolve("relay.md"), md);
            System.out.println(md);
        }
        if (which.equals("auth") || which.equals("all")) {
            String md = "# What authentication costs a catalog write\n\n" + Machine.describe() + "\n"
                    + "Sequential PATCHes over HTTP/1.1 keep-alive, each committing a version and its outbox row (H2, relay "
                    + "off), " + AuthOverheadBenchmark.WARMUP + " warm-up writes per mode, then " + AuthOverheadBenchmark.ROUNDS
                    + " rounds of " + AuthOverheadBenchmark.PER_ROUND + " writes per mode taking turns.\n\n"
                    + AuthOverheadBenchmark.toMarkdown(new AuthOverheadBenchmark().run())
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=auth`\n";
            Files.writeString(results.resolve("auth-overhead.md"), md);
            System.out.println(md);
        }
        System.exit(0);
    }

    static String jmhTable(Collection<RunResult> runs) {
        StringBuilder md = new StringBuilder();
        md.append("| benchmark | mode | score | unit | p50 | p99 | p99.9 |\n|---|---|---|---|---|---|---|\n");
        for (RunResult run : runs) {
            var primary = run.getPrimaryResult();
            String name = run.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            String mode = run.getParams().getMode().shortLabel();
            if (run.getParams().getMode() == org.openjdk.jmh.annotations.Mode.SampleTime) {
                Statistics s = primary.getStatistics();
                md.append(String.format("| %s | %s | %.3f | %s | %.3f | %.3f | %.3f |%n", name, mode, primary.getScore(),
                        primary.getScoreUnit(), s.getPercentile(50), s.getPercentile(99), s.getPercentile(99.9)));
            } else {
                md.append(String.format("| %s | %s | %.3f (= %.0f ops/s) | %s | | | |%n", name, mode,
                        primary.getScore(), primary.getScore() * 1e6, primary.getScoreUnit()));
            }
        }
        return md.toString();
    }
}
