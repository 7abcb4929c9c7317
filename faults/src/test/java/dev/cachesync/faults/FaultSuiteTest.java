package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.demo.report.MachineInfo;
import dev.cachesync.demo.stack.CatalogSeed;
import dev.cachesync.invalidator.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline under a randomized schedule of faults (issue 10): catalog writes through the API, several
 * order-service instances reading, and every fault type at least once (the CI profile), or for
 * {@code -Dfaults.minutes=N} minutes. The oracle is the catalog's acknowledged versions.
 *
 * <p>What must hold: no invalidation is lost (after the last fault and the drain every reader gets every product's
 * latest version); once a fault has cleared (the part answers and a change on every partition has reached every
 * reader) no reader gets a version older than one acknowledged before it cleared; every poison command is
 * dead-lettered with its reason, and no catalog event is. Staleness against the documented bound (1 s, the
 * README's) and the nines are measured and reported, not asserted (times depend on the machine's load). The report
 * is printed and written to {@code target/faults.md}; a long run ({@code -Dfaults.minutes}) also writes
 * {@code benchmarks/results/faults.md}.
 *
 * <p>{@code -Dfaults.redis=cluster} runs it with the shared cache on a Redis Cluster (3 primaries, 3 replicas):
 * the Redis faults are then a primary's SIGKILL (its replica promoted, the node restarted as a replica) and
 * {@code CLIENT PAUSE} of one primary; its report is the section "Cluster layout" of the results file
 * ({@code target/faults-cluster.md}).
 */
class FaultSuiteTest {
    /** The documented bound: README "The demo", a read is stale when a newer version was acknowledged > 1 s before. */
    static final Duration BOUND = Duration.ofSeconds(1);
    private static final int PRODUCTS = 100;
    private static final int READERS = 3;
    private static final long WRITE_EVERY_MILLIS = 50;
    private static final long READ_EVERY_MILLIS = 4;
    /** Fault-free time after the last fault, so reads after it are judged too. */
    private static final Duration QUIET_AFTER = Duration.ofSeconds(3);
    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(120);

    @Test
    void noInvalidationIsLostAndNoReadIsBehindAFaultOnceItHasCleared() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("faults.minutes", "0").isBlank() ? "0"
                : System.getProperty("faults.minutes"));
        String seedProperty = System.getProperty("faults.seed", "");
        long seed = seedProperty.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(seedProperty.trim());
        RedisLayout layout = RedisLayout.of(System.getProperty("faults.redis", ""));
        String profile = minutes > 0 ? "long, " + minutes + " min" : "CI, every fault once";
        print("seed " + seed + " (replay: -Dfaults.seed=" + seed + "), profile " + profile + ", Redis "
                + layout.property());

        FaultPlan plan = new FaultPlan(seed, Fault.of(layout));
        StalenessOracle oracle = new StalenessOracle();
        FaultTally tally = new FaultTally(BOUND.toNanos());
        List<String> products = CatalogSeed.productIds(PRODUCTS);
        try (FaultStack stack = FaultStack.start(PRODUCTS, READERS,
                FaultStack.Options.suite(layout), FaultSuiteTest::print)) {
            long seeded = System.nanoTime();
            stack.admin().latestVersions().forEach((id, version) -> oracle.acknowledged(id, version, seeded));
            FaultInjector injector = new FaultInjector(stack, oracle);
            print("invalidations flow: a change reached every reader in " + injector.awaitInvalidationsFlow(() -> { })
                    + " ms");
            Workload workload = new Workload(products, stack.admin(), oracle, tally);
            workload.start(seed, stack.readers(), WRITE_EVERY_MILLIS, READ_EVERY_MILLIS);

            long first = System.nanoTime();
            long until = first + (long) (minutes * 60e9);
            while (!plan.firstRoundDone() || System.nanoTime() - until < 0) {
                FaultPlan.Step step = plan.next();
                hold(step.quietBefore());
                long t0 = System.nanoTime();
                String what = injector.inject(step);
                print(String.format("fault %d: %s: %s (cleared after %d ms)", step.number(),
                        step.fault().description(), what, (System.nanoTime() - t0) / 1_000_000));
            }
            hold(QUIET_AFTER);
            workload.close();
            print("writes acknowledged " + workload.writes() + ", failed " + workload.failedWrites()
                    + (workload.failedWrites() > 0 ? " (last: " + workload.lastWriteError() + ")" : "")
                    + "; reads " + tally.reads());

            // Drain: every reader must get the catalog's version of every product (no TTL will fix an old one).
            Map<String, Long> catalog = Drain.catalogVersions(stack.catalogUri(), products);
            long drainStart = System.nanoTime();
            try {
                await("every reader gets every latest version").atMost(DRAIN_WITHIN)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> Drain.notCurrent(stack.readers(), catalog).isEmpty());
            } catch (ConditionTimeoutException e) {
                // reported below as lost invalidations
            }
            Duration drain = Duration.ofNanos(System.nanoTime() - drainStart);
            List<String> lost = Drain.notCurrent(stack.readers(), catalog);

            Map<String, FaultInjector.Poison> poisons = injector.poisons();
            try {
                await("every poison command dead-lettered").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> deadLettered(stack, poisons).size() == poisons.size());
            } catch (ConditionTimeoutException e) {
                // asserted below with the names
            }
            List<ConsumerRecord<byte[], byte[]>> deadLetters = DeadLetterRecords.all(stack);
            Map<String, Long> reasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
                reasons.merge(DeadLetterRecords.header(record, DeadLetters.REASON), 1L, Long::sum);
            }
            long productEventDeadLetters = DeadLetterRecords.productEvents(deadLetters);

            FaultReport.Run run = new FaultReport.Run(layout, seed, profile, command(layout, minutes, seed),
                    Duration.ofNanos(System.nanoTime() - first), PRODUCTS, READERS, workload.writes(),
                    workload.failedWrites(), oracle.windows(), tally, lost, drain, reasons, productEventDeadLetters,
                    machine());
            List<String> report = FaultReport.markdown(run);
            report.forEach(FaultSuiteTest::print);
            write(Path.of("target", layout == RedisLayout.CLUSTER ? "faults-cluster.md" : "faults.md"), report);
            if (minutes > 0) {
                // one file for both layouts: the standalone report, then the section "Cluster layout"
                Path results = Path.of(System.getProperty("faults.results", "../benchmarks/results/faults.md"));
                write(results, FaultReport.merge(Files.exists(results) ? Files.readAllLines(results) : List.of(),
                        report, layout));
            }

            assertThat(oracle.windows().stream().map(StalenessOracle.Window::fault).distinct())
                    .as("every fault type injected").containsExactlyInAnyOrderElementsOf(plan.types());
            assertThat(lost).as("invalidations lost: products some reader still gets an old version of").isEmpty();
            assertThat(tally.behindClearedFault()).as("reads after a fault cleared of a version older than one "
                    + "acknowledged before it cleared: %s", tally.behindExamples()).isZero();
            assertThat(tally.failedReads()).as("reads the cache client failed (it must fall back to the origin)")
                    .isZero();
            assertThat(deadLettered(stack, poisons)).as("poison commands dead-lettered with their reason")
                    .containsExactlyInAnyOrderElementsOf(poisons.keySet());
            assertThat(productEventDeadLetters).as("catalog events dead-lettered (invalidations skipped)").isZero();
            assertThat(tally.reads()).as("reads judged").isPositive();
        }
    }

    /** Command ids of the poison commands in the dead-letter topic with the reason their kind must get. */
    private static TreeSet<String> deadLettered(FaultStack stack, Map<String, FaultInjector.Poison> poisons) {
        TreeSet<String> found = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : DeadLetterRecords.all(stack)) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            FaultInjector.Poison poison = key == null ? null : poisons.get(key);
            if (poison != null && poison.reason.equals(DeadLetterRecords.header(record, DeadLetters.REASON))) {
                found.add(key);
            }
        }
        return found;
    }

    private static String command(RedisLayout layout, double minutes, long seed) {
        return "./mvnw -B -o -q -pl faults -am verify -Dtest=FaultSuiteTest -Dsurefire.failIfNoSpecifiedTests=false"
                + (layout == RedisLayout.CLUSTER ? " -Dfaults.redis=cluster" : "")
                + (minutes > 0 ? " -Dfaults.minutes=" + (minutes == Math.rint(minutes) ? String.valueOf((long) minutes)
                : String.valueOf(minutes)) : "") + " -Dfaults.seed=" + seed;
    }

    private static List<String> machine() {
        List<String> lines = new ArrayList<>(MachineInfo.current().markdownLines());
        try {
            String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            lines.add("- Load average at the end (1/5/15 min): " + load[0] + " / " + load[1] + " / " + load[2]);
        } catch (IOException | RuntimeException e) {
            lines.add("- Load average: unknown (" + e.getMessage() + ")");
        }
        lines.add("- java -version: " + javaVersion());
        return lines;
    }

    private static String javaVersion() {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return String.join(" | ", out.strip().split("\\R"));
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        print("report written to " + file.toAbsolutePath().normalize());
    }

    /**
     * The schedule's quiet time between faults: the system runs undisturbed this long. Not a wait for something to
     * happen (those use Awaitility).
     */
    private static void hold(Duration quiet) throws InterruptedException {
        Thread.sleep(quiet.toMillis());
    }

    /** Progress goes to the real stdout: surefire keeps it in target/surefire-reports/*-output.txt. */
    private static void print(String line) {
        System.out.println("[faults " + java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                + "] " + line);
    }
}
