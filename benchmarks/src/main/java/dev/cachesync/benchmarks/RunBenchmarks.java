package dev.cachesync.benchmarks;

import dev.cachesync.runtime.JdkHttpServers;
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
 * {@code ./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=jmh|proxy|invalidation|relay|auth|fill-end|scaling|all}.
 */
public final class RunBenchmarks {

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        // before any server starts, also when run on the bare classpath (ScalingBenchmark's fills took 45 ms, not 1)
        JdkHttpServers.sendWithoutDelay();
        Path results = Path.of("results");
        Files.createDirectories(results);
        if (which.equals("jmh") || which.equals("all")) {
            Collection<RunResult> runs = new Runner(new OptionsBuilder()
                    .include(TierHitBenchmark.class.getSimpleName()).build()).run();
            // earlier runs stay in the file: each run appends a dated section
            String machine = Machine.describe();
            String md = "\n## Run " + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                    + ": with same-run baselines (raw Caffeine getIfPresent, raw Redisson RMap.get)\n\n" + machine
                    + "\n" + jmhTable(runs) + "\n" + jmhRatios(runs)
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=jmh`\n";
            Path file = results.resolve("tier-hits.md");
            if (Files.exists(file)) {
                Files.writeString(file, md, java.nio.file.StandardOpenOption.APPEND);
            } else {
                Files.writeString(file, "# Tier hits (JMH, 1 thread)\n" + md);
            }
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
        if (which.equals("scaling") || which.equals("all")) {
            String machine = Machine.describe();
            var outcome = new ScalingBenchmark().run();
            String md = "# Scaling: invalidator instances, Redis Cluster vs standalone\n\n" + machine + "\n"
                    + ScalingBenchmark.toMarkdown(outcome)
                    + "\nCommand: `./mvnw -B -o -q -pl benchmarks compile exec:exec -Dbench=scaling"
                    + (ScalingBenchmark.SHORT ? " -Dbench.scaling.short=true" : "") + "`\n";
            Files.writeString(results.resolve("scaling.md"), md);
            System.out.println(md);
        }
        System.exit(0);
    }

    /** Time per hit relative to its baseline, from throughput (mean) and from sample-time p50; with the goals. */
    static String jmhRatios(Collection<RunResult> runs) {
        StringBuilder md = new StringBuilder();
        md.append("| ratio | from throughput (mean time) | from sample-time p50 | goal | met |\n|---|---|---|---|---|\n");
        ratioRow(md, runs, "localHit", "caffeineGetIfPresent", 5.0);
        ratioRow(md, runs, "redisHit", "rmapGet", 1.5);
        return md.toString();
    }

    private static void ratioRow(StringBuilder md, Collection<RunResult> runs, String hit, String baseline, double goal) {
        double thrpt = score(runs, baseline, org.openjdk.jmh.annotations.Mode.Throughput)
                / score(runs, hit, org.openjdk.jmh.annotations.Mode.Throughput);
        double p50 = p50(runs, hit) / p50(runs, baseline);
        boolean met = thrpt <= goal && p50 <= goal;
        md.append(String.format("| %s / %s | %.2fx | %.2fx | <= %.1fx | %s |%n", hit, baseline, thrpt, p50, goal,
                met ? "yes" : "no"));
    }

    private static RunResult find(Collection<RunResult> runs, String name, org.openjdk.jmh.annotations.Mode mode) {
        for (RunResult run : runs) {
            if (run.getParams().getBenchmark().endsWith("." + name) && run.getParams().getMode() == mode) {
                return run;
            }
        }
        throw new IllegalStateException("no result for " + name + " " + mode);
    }

    private static double score(Collection<RunResult> runs, String name, org.openjdk.jmh.annotations.Mode mode) {
        return find(runs, name, mode).getPrimaryResult().getScore();
    }

    private static double p50(Collection<RunResult> runs, String name) {
        return find(runs, name, org.openjdk.jmh.annotations.Mode.SampleTime).getPrimaryResult().getStatistics()
                .getPercentile(50);
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
