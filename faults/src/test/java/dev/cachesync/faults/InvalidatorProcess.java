package dev.cachesync.faults;

import static org.awaitility.Awaitility.await;

import dev.cachesync.invalidator.runtime.InvalidatorMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The invalidator in a JVM of its own, as Kubernetes runs it, so that SIGKILL is a real SIGKILL: no shutdown hook,
 * no final purge, no commit, no leaving the consumer group. Every start uses the same environment (application id,
 * state directory, HTTP port); its output is appended to one log file.
 */
final class InvalidatorProcess implements AutoCloseable {
    private final Map<String, String> env;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private int starts;

    InvalidatorProcess(Map<String, String> env, Path log, int httpPort) {
        this.env = Map.copyOf(env);
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts the JVM and returns when {@code /health/ready} answers 200 (Streams RUNNING, Redis answering). */
    synchronized void start(Duration readyWithin) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                InvalidatorMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the invalidator JVM", e);
        }
        starts++;
        Process started = process;
        await("invalidator ready (start " + starts + ", log " + log + ")").atMost(readyWithin)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("the invalidator exited with " + started.exitValue()
                                + "; see " + log);
                    }
                    return ready();
                });
    }

    /** SIGKILL; returns once the process is gone. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Prometheus text of {@code /metrics}, or empty if it does not answer. */
    String metrics() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    Path log() {
        return log;
    }

    /** SIGTERM (purge, commit, leave the group), SIGKILL if it does not exit within 30 s. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }
}
