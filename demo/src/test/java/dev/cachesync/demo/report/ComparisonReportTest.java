package dev.cachesync.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.demo.DemoOptions;
import dev.cachesync.demo.simulation.Percentiles;
import dev.cachesync.demo.simulation.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonReportTest {
    private static final long MS = 1_000_000L;

    private static RunResult run(String label, long hits, long calls, long stale, List<Integer> purged) {
        return new RunResult(label, 100, 300, 0, hits, calls, new Percentiles(new long[] {MS, 2 * MS, 30 * MS}),
                stale, 1, stale > 0 ? 4_200 * MS : 0, Map.of("ORIGIN", 300 - hits, "LOCAL", hits),
                Map.of("ORIGIN", 21 * MS, "LOCAL", MS / 10), Map.of("ORIGIN", 3L), 9, Duration.ofSeconds(5),
                new RunResult.Invalidations(purged.stream().map(p -> 12L).toList(), purged));
    }

    @Test
    void theTableShowsBothRunsSideBySide() {
        ComparisonReport report = new ComparisonReport(DemoOptions.defaults(),
                run("in-memory", 180, 120, 40, List.of()), run("cachesync", 285, 15, 0, List.of(1, 1)), "./demo.sh");
        List<String> table = report.table();
        assertThat(table.get(0)).contains("In-memory cache", "cachesync");
        assertThat(table).contains("| Cache hit rate | 60.0% | 95.0% |", "| Catalog API calls | 120 | 15 |",
                "| Stale reads (newer version acknowledged > 1 s before the read) | 40 | 0 |",
                "| Oldest superseded answer served | 4.20 s | none |",
                "| Invalidation lag p50 / p99 / max (commit -> purged) | n/a (no invalidation) | 12 / 12 / 12 ms (2 purges) |");
        assertThat(table).anyMatch(row -> row.startsWith("| Answered by") && row.contains("near cache 285 (0.10 ms)"));
        assertThat(report.notes()).isEmpty();
    }

    @Test
    void explainsWhenOneChangePurgesManyEntries() {
        ComparisonReport report = new ComparisonReport(DemoOptions.defaults(),
                run("in-memory", 180, 120, 40, List.of()), run("cachesync", 190, 110, 0, List.of(20, 30)), "./demo.sh");
        assertThat(report.notes()).singleElement().asString()
                .contains("removed 25.0 cache entries on average", "--categories 200 --brands 0");
    }

    @Test
    void writesTheResultsFileWithTheMachine(@TempDir Path dir) throws Exception {
        ComparisonReport report = new ComparisonReport(DemoOptions.defaults(),
                run("in-memory", 180, 120, 40, List.of()), run("cachesync", 285, 15, 0, List.of(1)), "./demo.sh --seed 1");
        Path file = report.write(dir.resolve("out"), new MachineInfo(2, "Some CPU", "8.0 GiB", "Java 17", "Linux"));
        String md = Files.readString(file);
        assertThat(file.getFileName().toString()).isEqualTo("comparison.md");
        assertThat(md).contains("Command: `./demo.sh --seed 1`", "| Cache hit rate | 60.0% | 95.0% |",
                "- CPUs (nproc): 2", "- CPU model: Some CPU", "Stale read: the read started at time t");
    }

    @Test
    void theResultsFileStatesTheStackItRanOn(@TempDir Path dir) throws Exception {
        ComparisonReport standard = new ComparisonReport(DemoOptions.defaults(),
                run("in-memory", 180, 120, 40, List.of()), run("cachesync", 285, 15, 0, List.of(1)), "./demo.sh");
        ComparisonReport scaled = new ComparisonReport(DemoOptions.parse("--redis-cluster", "--brokers", "3",
                "--invalidators", "2"), run("in-memory", 180, 120, 40, List.of()),
                run("cachesync", 285, 15, 0, List.of(1)), "./demo.sh --redis-cluster --brokers 3 --invalidators 2");
        MachineInfo machine = new MachineInfo(2, "Some CPU", "8.0 GiB", "Java 17", "Linux");
        assertThat(Files.readString(standard.write(dir.resolve("standard"), machine)))
                .contains("Stack: standalone Redis; 1 Kafka broker, 3 partitions per topic; 1 invalidator instance");
        assertThat(Files.readString(scaled.write(dir.resolve("scaled"), machine)))
                .contains("Stack: Redis Cluster (3 primaries + 3 replicas, 12 segments); 3 Kafka brokers (replication"
                        + " factor 3, min.insync.replicas 2), 6 partitions per topic; 2 invalidator instances");
    }
}
