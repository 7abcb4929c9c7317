package dev.cachesync.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachesync.demo.stack.CatalogSeed;
import dev.cachesync.schemas.Topics;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * An invalidator instance SIGKILLed under load (issue 12 item 4), on the scaled-out layout: two invalidators (each
 * its own JVM) share the product events' 6 partitions in one consumer group and purge a Redis Cluster (3 primaries,
 * 3 replicas; each purge on all segments, acknowledged by a replica too), the catalog's writer changes prices through
 * the API and order-service instances read. One invalidator is SIGKILLed mid-stream: the group gives its partitions to the
 * survivor once its session expires (asked of the broker with an Admin client), the survivor applies every
 * invalidation on all 6 partitions while the other is down, and the killed one, started again, rejoins and gets
 * partitions back.
 *
 * <p>Oracle (the fault suite's, {@link StalenessOracle}): once a change of every partition's probe product has
 * reached every reader after the takeover, no read returns a version older than one the catalog acknowledged before
 * that; after the writer stops every reader gets every product's latest version; no product event is dead-lettered;
 * no read fails.
 *
 * <p>Why the cluster: it is issue 12's layout, and in {@code ./mvnw verify} this is the test that runs the invalidator
 * against a real Redis Cluster end to end (the fault suite's cluster run, {@code -Dfaults.redis=cluster}, is on
 * demand: faults/README.md says why).
 */
class InvalidatorFailoverTest {
    private static final int PRODUCTS = 60;
    private static final int READERS = 2;
    private static final int PARTITIONS = 6;
    /** The survivor takes over when the killed instance's session expires: short here, as in FaultStack. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    /** Writes acknowledged in each phase (before the kill, with one instance, after the restart). */
    private static final int WRITES_PER_PHASE = 40;
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @Test
    void aSigkilledInvalidatorsPartitionsMoveToTheSurvivorAndEveryInvalidationIsStillApplied() throws Exception {
        StalenessOracle oracle = new StalenessOracle();
        FaultTally tally = new FaultTally(FaultSuiteTest.BOUND.toNanos());
        List<String> products = CatalogSeed.productIds(PRODUCTS);
        FaultStack.Options options = new FaultStack.Options(RedisLayout.CLUSTER, PARTITIONS, 2, SESSION_TIMEOUT);
        try (FaultStack stack = FaultStack.start(PRODUCTS, READERS, options, InvalidatorFailoverTest::print);
             Admin kafkaAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     stack.kafka().bootstrapServers()))) {
            long seeded = System.nanoTime();
            stack.admin().latestVersions().forEach((id, version) -> oracle.acknowledged(id, version, seeded));
            FaultInjector injector = new FaultInjector(stack, oracle);

            Map<String, Set<Integer>> shared = awaitAssignment(kafkaAdmin, stack, "both instances hold partitions",
                    members -> members.size() == 2 && members.values().stream().noneMatch(Set::isEmpty));
            print("assignment with two instances: " + shared);
            print("invalidations flow on every partition: " + injector.awaitInvalidationsFlow(() -> { }) + " ms");

            try (Workload workload = new Workload(products, stack.admin(), oracle, tally)) {
                workload.start(42, stack.readers(), 50, 4);
                awaitWrites(workload, WRITES_PER_PHASE);

                // SIGKILL mid-stream: no final purge, no commit, no leaving the group
                InvalidatorProcess killed = stack.invalidators().get(1);
                InvalidatorProcess survivor = stack.invalidators().get(0);
                StalenessOracle.Window window = oracle.begin(Fault.INVALIDATOR_KILL, System.nanoTime());
                killed.kill();
                long killedAt = System.nanoTime();
                double survivorPurges = purges(survivor);
                Map<String, Set<Integer>> takenOver = awaitAssignment(kafkaAdmin, stack,
                        "one member left, holding every partition", members -> members.size() == 1
                                && members.values().iterator().next().size() == PARTITIONS);
                String survivorMember = takenOver.keySet().iterator().next();
                print("assignment " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the SIGKILL: "
                        + takenOver);
                assertThat(shared).as("the member left is one of the two before the kill").containsKey(survivorMember);
                assertThat(shared.get(survivorMember)).as("the survivor's partitions before the kill")
                        .hasSizeLessThan(PARTITIONS);
                oracle.partBack(window, System.nanoTime());

                // With the killed instance down, a change of every partition's probe product reaching every reader
                // was purged by the survivor: it applies the partitions it took over.
                long flowing = injector.awaitInvalidationsFlow(() -> oracle.probing(window, System.nanoTime()));
                oracle.clear(window, System.nanoTime());
                print("with one instance, a change on every partition reached every reader in " + flowing + " ms");
                assertThat(purges(survivor)).as("purges acknowledged by the survivor").isGreaterThan(survivorPurges);
                awaitWrites(workload, workload.writes() + WRITES_PER_PHASE);

                // The killed instance, started again with the same application id, rejoins and gets partitions.
                killed.start(WITHIN);
                Map<String, Set<Integer>> rejoined = awaitAssignment(kafkaAdmin, stack,
                        "the restarted instance rejoined and holds partitions", members -> members.size() == 2
                                && members.values().stream().noneMatch(Set::isEmpty)
                                && members.values().stream().mapToInt(Set::size).sum() == PARTITIONS);
                print("assignment after the restart: " + rejoined);
                assertThat(rejoined).as("the survivor is still a member").containsKey(survivorMember);
                print("invalidations flow with both again: " + injector.awaitInvalidationsFlow(() -> { }) + " ms");
                awaitWrites(workload, workload.writes() + WRITES_PER_PHASE);
            }
            print("writes acknowledged, reads judged: " + tally.reads() + " reads, stale " + tally.stale()
                    + " (during the takeover " + tally.staleDuringFault() + "), behind the takeover "
                    + tally.behindClearedFault());

            // Every invalidation applied: every reader gets the catalog's version of every product.
            Map<String, Long> catalog = Drain.catalogVersions(stack.catalogUri(), products);
            try {
                await("every reader gets every latest version").atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                        .until(() -> Drain.notCurrent(stack.readers(), catalog).isEmpty());
            } catch (ConditionTimeoutException e) {
                // asserted below with the products
            }
            assertThat(Drain.notCurrent(stack.readers(), catalog))
                    .as("invalidations lost: products some reader still gets an old version of").isEmpty();
            assertThat(tally.behindClearedFault()).as("reads after the survivor caught up of a version older than "
                    + "one acknowledged before: %s", tally.behindExamples()).isZero();
            assertThat(tally.failedReads()).as("reads the cache client failed").isZero();
            assertThat(DeadLetterRecords.productEvents(DeadLetterRecords.all(stack)))
                    .as("catalog events dead-lettered (invalidations skipped)").isZero();
            assertThat(tally.reads()).as("reads judged").isPositive();
        }
    }

    /**
     * The invalidators' consumer group as the broker describes it, once {@code condition} holds: member id -> the
     * product-events partitions assigned to it.
     */
    private static Map<String, Set<Integer>> awaitAssignment(Admin admin, FaultStack stack, String what,
                                                             java.util.function.Predicate<Map<String, Set<Integer>>> condition) {
        AtomicReference<Map<String, Set<Integer>>> last = new AtomicReference<>(Map.of());
        try {
            await(what).atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
                last.set(assignment(admin, stack.applicationId()));
                return condition.test(last.get());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + WITHIN.toSeconds() + " s; the group's last assignment: "
                    + last.get(), e);
        }
        return last.get();
    }

    private static Map<String, Set<Integer>> assignment(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                .get(group).get();
        Map<String, Set<Integer>> members = new TreeMap<>();
        description.members().forEach(member -> members.put(member.consumerId(), member.assignment()
                .topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.PRODUCT_EVENTS))
                .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new))));
        return members;
    }

    /** {@code cachesync_invalidator_purges_total} of one instance (0 if it does not answer). */
    private static double purges(InvalidatorProcess invalidator) {
        return invalidator.metrics().lines().filter(line -> line.startsWith("cachesync_invalidator_purges_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static void awaitWrites(Workload workload, long atLeast) {
        await("the writer's changes acknowledged").atMost(WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> workload.writes() >= atLeast);
    }

    private static void print(String line) {
        System.out.println("[invalidator-failover " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] " + line);
    }
}
