package dev.cachesync.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry: Apicurio Registry's prebuilt bundle, resolved by Maven into the
 * local repository, unpacked once under {@code ~/.cache/cachesync}, run as a child JVM on a free port with
 * in-memory storage and BACKWARD compatibility.
 */
public final class SchemaRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** The Confluent REST API of Apicurio 2.x lives under this path. */
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final int port;
    private final Path workDir;
    private final Path home;
    private Process process;

    private SchemaRegistry(int port, Path workDir, Path home) {
        this.port = port;
        this.workDir = workDir;
        this.home = home;
    }

    /** Starts a new registry on a free port; returns when it answers and BACKWARD compatibility is set. */
    public static SchemaRegistry start() {
        Path home = unpackedBundle();
        SchemaRegistry registry = new SchemaRegistry(Ports.free(), Logs.tempDir("schema-registry"), home);
        registry.startProcess();
        return registry;
    }

    /** Base URL of the Confluent-compatible REST API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    /**
     * Stops the registry and starts it again on the same port; returns when it answers. Its storage is in memory:
     * every schema and id registered before is gone (producers that cached an id keep using it).
     */
    public synchronized void restart() {
        stopProcess();
        startProcess();
    }

    @Override
    public synchronized void close() {
        stopProcess();
        Logs.deleteRecursively(workDir);
    }

    private synchronized void stopProcess() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private synchronized void startProcess() {
        Instant started = Instant.now();
        Path logFile = workDir.resolve("registry.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.log.category.\"io.apicurio\".level=INFO",
                "-Dregistry.auth.enabled=false",
                "-jar", runnerJar(home).toString());
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new DevStackException("schema-registry", "cannot run " + command + ": " + e.getMessage(), null, e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!answers(http, url() + "/subjects")) {
            if (!process.isAlive()) {
                process = null;
                throw new DevStackException("schema-registry", "Apicurio Registry exited (port " + port + ")",
                        Logs.tail(logFile, 40));
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new DevStackException("schema-registry", "no answer on " + url() + " within "
                        + READY_TIMEOUT.toSeconds() + " s", Logs.tail(logFile, 40));
            }
            Probes.pause();
        }
        setGlobalCompatibility(http, "BACKWARD", logFile);
        log.info("Schema registry (Apicurio) ready on {} in {} ms", url(),
                Duration.between(started, Instant.now()).toMillis());
    }

    /** Apicurio's default is NONE; cachesync's contract is BACKWARD, enforced by the registry itself. */
    private void setGlobalCompatibility(HttpClient http, String level, Path logFile) {
        try {
            HttpRequest put = HttpRequest.newBuilder(URI.create(url() + "/config"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                    .build();
            HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new DevStackException("schema-registry", "setting " + level + " compatibility answered "
                        + response.statusCode() + ": " + response.body(), Logs.tail(logFile, 20));
            }
        } catch (IOException e) {
            throw new DevStackException("schema-registry", "setting compatibility failed: " + e, Logs.tail(logFile, 20), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("schema-registry", "interrupted", null, e);
        }
    }

    private static boolean answers(HttpClient http, String url) {
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path runnerJar(Path home) {
        try (var files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new DevStackException("schema-registry", "no *-runner.jar in " + home, null));
        } catch (IOException e) {
            throw new DevStackException("schema-registry", "cannot list " + home + ": " + e.getMessage(), null, e);
        }
    }

    /** The bundle unpacked once per version under ~/.cache/cachesync; unpacking goes to a temp dir, then a rename. */
    static synchronized Path unpackedBundle() {
        String version = bundleVersion();
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "cachesync");
        Path home = cache.resolve("apicurio-registry-app-" + version);
        if (Files.isDirectory(home)) {
            return home;
        }
        Path bundle = bundleArchive(version);
        try {
            Files.createDirectories(cache);
            Path staging = Files.createTempDirectory(cache, "unpacking-");
            Process tar = new ProcessBuilder("tar", "-xzf", bundle.toString(), "-C", staging.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new DevStackException("schema-registry", "unpacking " + bundle + " failed", output);
            }
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another JVM unpacked it first: use theirs.
                Logs.deleteRecursively(staging);
                if (!Files.isDirectory(home)) {
                    throw raced;
                }
            }
            return home;
        } catch (IOException e) {
            throw new DevStackException("schema-registry", "cannot unpack " + bundle + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("schema-registry", "interrupted while unpacking", null, e);
        }
    }

    static Path bundleArchiveForTest() {
        return bundleArchive(bundleVersion());
    }

    /** The tar.gz Maven resolved: -Dcachesync.apicurio.bundle, else the local Maven repository. */
    private static Path bundleArchive(String version) {
        String explicit = System.getProperty("cachesync.apicurio.bundle", System.getenv("CACHESYNC_APICURIO_BUNDLE"));
        if (explicit != null && !explicit.isBlank()) {
            return existing(Path.of(explicit));
        }
        String repo = System.getProperty("maven.repo.local");
        Path repository = repo != null && !repo.isBlank()
                ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return existing(repository.resolve(Path.of("io", "apicurio", "apicurio-registry-app", version,
                "apicurio-registry-app-" + version + "-all.tar.gz")));
    }

    private static Path existing(Path archive) {
        if (!Files.isRegularFile(archive)) {
            throw new DevStackException("schema-registry", "the Apicurio Registry bundle is not at " + archive
                    + "; run './mvnw -pl devstack dependency:resolve' (Maven downloads it) or set "
                    + "-Dcachesync.apicurio.bundle=/path/to/apicurio-registry-app-<version>-all.tar.gz", null);
        }
        return archive;
    }

    private static String bundleVersion() {
        try (InputStream in = SchemaRegistry.class.getResourceAsStream("devstack.properties")) {
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("apicurio.version");
        } catch (IOException | NullPointerException e) {
            throw new DevStackException("schema-registry", "devstack.properties is missing from the devstack jar", null);
        }
    }
}
