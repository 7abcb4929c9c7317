package dev.cachesync.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachesync.cache.client.CachingHttpClient;
import dev.cachesync.devstack.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The public HTTP cache test suite (cache-tests.fyi; {@code http-cache-tests} 0.4.5 pinned in
 * {@code src/test/js/package-lock.json}, {@code npm ci} into {@code target/cache-tests}) run with its CLI against
 * {@link ReverseProxy} on a {@link CachingHttpClient} backed by a real {@code redis-server} (devstack), in front of
 * the suite's own origin server. It writes {@code target/conformance/rfc9111.md} (and, with
 * {@code -Dconformance.report=PATH}, the same report to PATH) and fails when a test listed in
 * {@code expected-pass.txt} does not pass now: the regression gate. A test that starts passing is printed so the
 * list can be updated; it never fails the build. About a minute: the suite pauses between requests.
 */
class Rfc9111ConformanceTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path JS_SOURCES = MODULE.resolve("src/test/js");
    private static final Path WORK = MODULE.resolve("target/cache-tests");
    private static final Path SUITE = WORK.resolve("node_modules/http-cache-tests");
    private static final Path OUT = MODULE.resolve("target/conformance");

    @Test
    void everyTestInTheExpectedPassListStillPasses() throws Exception {
        installSuite();
        Files.createDirectories(OUT);
        Path results = OUT.resolve("cachesync.json");
        int originPort = freePort();
        Process origin = startOrigin(originPort);
        try (RedisServer redis = RedisServer.start()) {
            RedissonClient redisson = redisson(redis);
            try (CachingHttpClient client = CachingHttpClient.builder()
                    .redisson(redisson)
                    // a loaded CI machine must not turn Redis off mid-run (it would only change where hits come from)
                    .redisTimeout(Duration.ofSeconds(3))
                    .keyPrefix("conformance-" + UUID.randomUUID().toString().substring(0, 8) + ":")
                    .origin(URI.create("http://127.0.0.1:" + originPort + "/"))
                    .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build())
                    .build();
                 ReverseProxy proxy = ReverseProxy.start(client, URI.create("http://127.0.0.1:" + originPort + "/"))) {
                // "id" empty: every test (cli.mjs reads the npm config a "npm run cli" would set)
                String only = System.getProperty("conformance.only", "");
                runNode(List.of("node", "--no-warnings", "cli.mjs"), SUITE,
                        Map.of("npm_config_base", proxy.baseUri().toString(), "npm_config_id", only,
                                "npm_package_config_id", only), results,
                        Duration.ofMinutes(5));
                if (!only.isEmpty()) { // debugging one test: its requests and responses as the suite saw them
                    System.out.println(Files.readString(results));
                    return;
                }
            } finally {
                redisson.shutdown();
            }
        } finally {
            origin.destroy();
            origin.waitFor(10, TimeUnit.SECONDS);
        }

        Path report = OUT.resolve("rfc9111.md");
        Path passingFile = OUT.resolve("passing.txt");
        Path header = OUT.resolve("header.md");
        Files.writeString(header, header());
        Path summary = OUT.resolve("summary.json");
        runNode(List.of("node", JS_SOURCES.resolve("report.mjs").toString(), SUITE.toString(), results.toString(),
                MODULE.resolve("deviations.tsv").toString(), report.toString(), passingFile.toString(),
                header.toString()), WORK, Map.of(), summary, Duration.ofMinutes(1));
        System.out.println("[conformance] " + Files.readString(summary).trim());
        String reportTarget = System.getProperty("conformance.report", "");
        if (!reportTarget.isBlank()) {
            Path target = MODULE.resolve(reportTarget).normalize();
            Files.copy(report, target, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("[conformance] report written to " + target);
        }

        TreeSet<String> passing = lines(passingFile);
        TreeSet<String> expected = lines(MODULE.resolve("expected-pass.txt"));
        TreeSet<String> newlyPassing = new TreeSet<>(passing);
        newlyPassing.removeAll(expected);
        if (!newlyPassing.isEmpty()) {
            System.out.println("[conformance] passing now but not in expected-pass.txt (add them): " + newlyPassing);
        }
        TreeSet<String> regressed = new TreeSet<>(expected);
        regressed.removeAll(passing);
        assertThat(regressed).as("tests in expected-pass.txt that no longer pass (details: %s, %s)", report,
                results).isEmpty();
    }

    private static RedissonClient redisson(RedisServer redis) {
        Config config = new Config();
        config.useSingleServer().setAddress(redis.uri()).setConnectionMinimumIdleSize(2).setConnectionPoolSize(16)
                .setSubscriptionConnectionMinimumIdleSize(1).setTimeout(2000);
        config.setThreads(2).setNettyThreads(4);
        return Redisson.create(config);
    }

    private static TreeSet<String> lines(Path file) throws IOException {
        TreeSet<String> set = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                set.add(line.trim());
            }
        }
        return set;
    }

    /** npm ci of the pinned suite into target/ (a clean install each run: the lock file decides). */
    private static void installSuite() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json")) {
            Files.copy(JS_SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        runNode(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"), WORK, Map.of(),
                WORK.resolve("npm-ci.log"), Duration.ofMinutes(3));
    }

    /** The suite's origin server (server/server.mjs) on {@code port}; returns once it listens. */
    private static Process startOrigin(int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node", "--no-warnings", "server/server.mjs").directory(SUITE.toFile())
                .redirectErrorStream(true);
        pb.environment().put("npm_config_protocol", "http");
        pb.environment().put("npm_config_port", Integer.toString(port));
        pb.environment().put("npm_config_pidfile", OUT.resolve("origin.pid").toString());
        Process process = start(pb);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                var lines = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("Listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "cache-tests-origin-output");
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the cache-tests origin server did not start listening within 30 s");
        }
        return process;
    }

    private static void runNode(List<String> command, Path dir, Map<String, String> env, Path stdout,
                                Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(
                        stdout.resolveSibling(stdout.getFileName() + ".err").toFile()));
        pb.environment().putAll(env);
        Process process = start(pb);
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        assertThat(process.exitValue()).as("%s failed, see %s(.err)", String.join(" ", command), stdout).isZero();
    }

    private static Process start(ProcessBuilder pb) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new AssertionError(pb.command().get(0) + " is not on the PATH (" + e.getMessage() + "): the"
                    + " conformance run needs Node.js 18+ and npm (apt-get install nodejs npm; .ci/run installs them)",
                    e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** What was measured and on what: the report's first lines. */
    private static String header() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        lines.add("# RFC 9111 conformance: the cache-tests suite (cache-tests.fyi)");
        lines.add("");
        lines.add("cachesync `CachingHttpClient` (near cache + a real `redis-server`) behind the reverse proxy of "
                + "`conformance/`, measured with the CLI of `http-cache-tests` 0.4.5 (the suite behind cache-tests.fyi)"
                + " against the suite's own origin server. Written by `conformance/README.md`'s command.");
        lines.add("");
        lines.add("- date: " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        lines.add("- machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), "
                + memory() + ", load average " + loadAverage());
        lines.add("- java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        lines.add("- node: " + output(List.of("node", "--version")));
        return String.join("\n", lines) + "\n";
    }

    private static String cpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return System.getProperty("os.arch");
    }

    private static String memory() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (Files.exists(meminfo)) {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return (kb / 1024 / 1024) + " GiB memory";
                }
            }
        }
        return "memory unknown";
    }

    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? Files.readString(loadavg).trim() : "unknown";
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
