package dev.cachesync.devstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server as a child process on a free port, nothing persisted ({@link #startPersistent()}: with an
 * append-only file). It is {@code redis-server} from the
 * PATH where there is one, else the binary bundled by embedded-redis; {@link #kind()} says which.
 *
 * <p>{@link #secured()} starts one that listens only with TLS (certificates of this JVM's generated CA,
 * {@link Certificates#shared()}) and knows the ACL users it is given; its {@code default} user is off.
 */
public final class RedisServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Path executable;
    private final String kind;
    private final int port;
    private final Path workDir;
    private final Tls tls;
    private final boolean persistent;
    private Process process;

    /** A TLS server's certificates and the settings written to its configuration file. */
    private record Tls(Certificates certificates, List<String> configLines, SSLContext probeContext) {
    }

    private RedisServer(Path executable, String kind, int port, Path workDir, Tls tls, boolean persistent) {
        this.executable = executable;
        this.kind = kind;
        this.port = port;
        this.workDir = workDir;
        this.tls = tls;
        this.persistent = persistent;
    }

    /** Starts a new Redis server on a free port; returns when it answers PING. */
    public static RedisServer start() {
        return start(null, false);
    }

    /**
     * A server that persists every write to an append-only file before it answers ({@code appendonly yes},
     * {@code appendfsync always}): after {@link #kill()} and {@link #restart()} it holds every acknowledged write.
     */
    public static RedisServer startPersistent() {
        return start(null, true);
    }

    /**
     * A server that listens only with TLS and has ACL users, e.g.
     * <pre>{@code
     * RedisServer redis = RedisServer.secured().user("cachesync", password, "~catalog-cache:*", "+@read").start();
     * }</pre>
     * Needs a redis-server built with TLS (Debian's links OpenSSL).
     */
    public static SecuredBuilder secured() {
        return new SecuredBuilder();
    }

    private static RedisServer start(Function<Certificates, List<String>> tlsConfig, boolean persistent) {
        Path dir = Logs.tempDir("redis");
        Tls tls = null;
        if (tlsConfig != null) {
            Certificates certificates = Certificates.shared();
            tls = new Tls(certificates, tlsConfig.apply(certificates), probeContext(certificates));
        }
        Optional<Path> onPath = findOnPath("redis-server");
        Tls chosen = tls;
        RedisServer server = onPath
                .map(path -> new RedisServer(path, "redis-server from the PATH (" + path + ")", Ports.free(), dir, chosen,
                        persistent))
                .orElseGet(() -> new RedisServer(embeddedBinary(), "embedded-redis bundled binary", Ports.free(), dir,
                        chosen, persistent));
        server.startProcess();
        return server;
    }

    /** Settings of a {@link #secured()} server. */
    public static final class SecuredBuilder {
        private final List<String> users = new ArrayList<>();
        private String clientCertificates = "no";

        private SecuredBuilder() {
        }

        /**
         * An ACL user: {@code rules} are Redis ACL rules ({@code ~pattern}, {@code &channel}, {@code +@category},
         * {@code -command}); the password is given as {@code >password}.
         */
        public SecuredBuilder user(String name, String password, String... rules) {
            users.add("user " + name + " on >" + password + " resetchannels " + String.join(" ", rules));
            return this;
        }

        /** Clients must present a certificate signed by the CA ({@code tls-auth-clients yes}); default no. */
        public SecuredBuilder requireClientCertificates() {
            clientCertificates = "yes";
            return this;
        }

        /** Starts the server; returns when it answers over TLS. */
        public RedisServer start() {
            List<String> users = List.copyOf(this.users);
            String clientCertificates = this.clientCertificates;
            return RedisServer.start(certificates -> {
                List<String> lines = new ArrayList<>(List.of(
                        "tls-cert-file " + certificates.serverCertificatePem(),
                        "tls-key-file " + certificates.serverKeyPem(),
                        "tls-ca-cert-file " + certificates.caPem(),
                        "tls-auth-clients " + clientCertificates,
                        "user default off"));
                lines.addAll(users);
                return lines;
            }, false);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port} ({@code rediss://} with TLS), as Redisson's {@code setAddress} wants it. */
    public String uri() {
        return (tls == null ? "redis://" : "rediss://") + host() + ":" + port;
    }

    /** Whether this server listens with TLS only ({@link #secured()}). */
    public boolean isTls() {
        return tls != null;
    }

    /** The CA and certificates of a TLS server: its truststore is what clients need. */
    public Certificates certificates() {
        if (tls == null) {
            throw new IllegalStateException("this Redis server does not use TLS: start it with secured()");
        }
        return tls.certificates();
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

    /** A crash: SIGKILL, no shutdown save; {@link #restart()} brings it back with what its files hold. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            log.info("Redis on port {} killed (SIGKILL)", port);
        }
    }

    /**
     * Deletes what a stopped server persisted (append-only file, RDB), so {@link #restart()} starts empty: a
     * restart without persistence, or on a new node.
     */
    public synchronized void deleteData() {
        if (process != null) {
            throw new IllegalStateException("stop or kill the server before deleting its data");
        }
        Logs.deleteRecursively(workDir.resolve("appendonlydir"));
        try {
            Files.deleteIfExists(workDir.resolve("appendonly.aof"));
            Files.deleteIfExists(workDir.resolve("dump.rdb"));
        } catch (IOException e) {
            throw new DevStackException("redis", "cannot delete the data files in " + workDir + ": " + e, null, e);
        }
    }

    /**
     * Writes a snapshot now ({@code SAVE}, dump.rdb in the server's directory): after {@link #kill()} and
     * {@link #restart()} a server without an append-only file comes back with this snapshot, losing every write
     * made after it (a restore from an older backup, a replica that missed writes). Plain servers only.
     */
    public synchronized void save() {
        if (tls != null) {
            throw new IllegalStateException("save() speaks plain RESP: not for a TLS server");
        }
        try {
            String reply = RedisWire.send(host(), port, READY_TIMEOUT, "SAVE");
            if (!"OK".equals(reply)) {
                throw new DevStackException("redis", "SAVE on port " + port + " answered " + reply, null, null);
            }
        } catch (IOException e) {
            throw new DevStackException("redis", "SAVE on port " + port + " failed: " + e, null, e);
        }
    }

    /** Whether writes go to an append-only file ({@link #startPersistent()}). */
    public boolean isPersistent() {
        return persistent;
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
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if (tls != null) {
            // Passwords go into a file only this user reads, not onto the command line (ps).
            command.add(writeConfig(tls.configLines()).toString());
        }
        command.addAll(List.of(
                "--port", String.valueOf(tls == null ? port : 0), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
                "--daemonize", "no",
                "--dir", workDir.toString(), "--logfile", logFile.toString()));
        if (tls != null) {
            command.addAll(List.of("--tls-port", String.valueOf(port)));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new DevStackException("redis", "cannot run " + executable + ": " + e.getMessage(), null, e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!(tls == null ? Probes.redisAnswers(host(), port) : Probes.redisAnswersTls(host(), port,
                tls.probeContext()))) {
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

    private Path writeConfig(List<String> lines) {
        Path file = workDir.resolve("redis.conf");
        try {
            Files.writeString(file, "");
            file.toFile().setReadable(false, false);
            file.toFile().setReadable(true, true);
            Files.write(file, lines);
            return file;
        } catch (IOException e) {
            throw new DevStackException("redis", "cannot write " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static SSLContext probeContext(Certificates certificates) {
        try (InputStream in = Files.newInputStream(certificates.truststore())) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(in, certificates.password().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyStore client = KeyStore.getInstance("PKCS12");
            try (InputStream clientIn = Files.newInputStream(certificates.clientKeystore())) {
                client.load(clientIn, certificates.password().toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(client, certificates.password().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new DevStackException("redis", "cannot load the generated truststore: " + e, null, e);
        }
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
