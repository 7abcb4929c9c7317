package dev.cachesync.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker of the text exposition format, {@code promtool check metrics} (Debian package
 * {@code prometheus}; {@code .ci/run} installs it): an independent parser and linter for the services'
 * {@code /metrics}. A missing promtool fails the test with how to install it; it is never skipped.
 */
public final class Promtool {
    private Promtool() {
    }

    /** What promtool says about {@code exposition}: empty when it parses and lints clean. */
    public static String checkMetrics(String exposition) {
        Process process;
        try {
            process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DevStackException("promtool", "it is not on the PATH (" + e.getMessage() + "); install it with"
                    + " 'apt-get install prometheus' (Debian/Ubuntu) or from prometheus.io; .ci/run installs it", null, e);
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not pass the metrics to promtool: " + e.getMessage(), e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool check metrics did not finish within 30 s");
            }
            return process.exitValue() == 0 && output.isEmpty() ? "" : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new IllegalStateException("could not read promtool's answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while promtool ran", e);
        }
    }
}
