package dev.cachesync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service started as the deployments start it: a process of its own, configured by its environment. */
class ServiceMainTest {

    /** A service that needs SERVICE_GREETING; it says when it started (and its logging) and when it was closed. */
    public static final class GreetingService {
        public static void main(String[] args) throws InterruptedException {
            ServiceMain.run("greeting", env -> {
                String greeting = env.get("SERVICE_GREETING");
                if (greeting == null || greeting.isBlank()) {
                    throw new IllegalArgumentException("SERVICE_GREETING must be set");
                }
                return greeting;
            }, greeting -> {
                System.out.println("started: " + greeting + ", logging " + System.getProperty("logback.configurationFile"));
                System.out.flush();
                return () -> {
                    System.out.println("closed");
                    System.out.flush();
                };
            });
        }
    }

    @Test
    void aRefusedConfigurationStopsTheProcessWithExitCode2AndTheMessage() throws Exception {
        Process process = start(Map.of());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(process.exitValue()).isEqualTo(ServiceMain.BAD_CONFIGURATION);
        assertThat(read(process.getErrorStream())).contains("greeting: bad configuration: SERVICE_GREETING must be set");
        assertThat(read(process.getInputStream())).doesNotContain("started");
    }

    @Test
    void sigtermClosesTheServiceBeforeTheProcessExits() throws Exception {
        Process process = start(Map.of("SERVICE_GREETING", "hello"));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("started: hello, logging greeting-logback.xml");

            process.toHandle().destroy(); // SIGTERM, as Kubernetes stops a pod (Process.destroy closes our streams)

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(out.readLine()).isEqualTo("closed");
        } finally {
            process.destroyForcibly();
        }
    }

    private static Process start(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GreetingService.class.getName());
        builder.environment().remove("SERVICE_GREETING");
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
