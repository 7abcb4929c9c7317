package dev.cachesync.devstack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server as a child process on a free port, nothing persisted. It is {@code redis-server} from the
 * PATH where there is one, else the binary bundled by embedded-redis; {@link #kind()} says which.
 */
public final class RedisServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path executable;
    private final String kind;
    private final int port;
    private final Path workDir;
    private Process process;

    private RedisServer(Path executable, String kind, int port, Path workDir) {
        this.executable = executable;
        this.kind = kind;
        this.port = port;
        this.workDir = workDir;
    }

    /** Starts a new Redis server on a free port; returns when it answers PING. */
    public static RedisServer start() {
        Path dir = Logs.tempDir("redis");
        Optional<Path> onPath = findOnPath("redis-server");
        RedisServer server = onPath
                .map(path -> new RedisServer(path, "redis-server from the PATH (" + path + ")", Ports.free(), dir))
                .orElseGet(() -> new RedisServer(embeddedBinary(), "embedded-redis bundled binary", Ports.free(), dir));
        server.startProcess();
        return server;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}, as Redisson's {@code setAddress} wants it. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** Which binary runs: the PATH's redis-server or the embedded one. */
    public String kind() {
        return kind;
    }

    /** Simulates an outage: the server stops; {@link #restart()} brings it back on the same port, empty. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            log.info("Redis on port {} stopped", port);
        }
    }

    /** Starts the server again after {@link #stop()}, on the same port. */
    public synchronized void restart() {
        if (process == null) {
            startProcess();
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        stop();
        Logs.deleteRecursively(workDir);
    }

    private synchronized void startProcess() {
        Path logFile = workDir.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", workDir.toString(), "--logfile", logFile.toString()));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new DevStackException("redis", "cannot run " + executable + ": " + e.getMessage(), null, e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!Probes.redisAnswers(host(), port)) {
            if (!process.isAlive()) {
                process = null;
                throw new DevStackException("redis", kind + " exited on port " + port,
                        Logs.tail(logFile, 20) + "\n" + Logs.tail(workDir.resolve("redis.out"), 10));
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new DevStackException("redis", "no PONG on port " + port + " within "
                        + READY_TIMEOUT.toSeconds() + " s", Logs.tail(logFile, 20));
            }
            Probes.pause();
        }
        log.info("Redis ready on {} ({})", uri(), kind);
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path embeddedBinary() {
        try {
            File binary = ExecutableProvider.newJarResourceProvider().get();
            binary.setExecutable(true);
            return binary.toPath();
        } catch (IOException | RuntimeException e) {
            throw new DevStackException("redis", "no redis-server on the PATH and the embedded-redis binary "
                    + "cannot be used here: " + e.getMessage(), null, e);
        }
    }
}
