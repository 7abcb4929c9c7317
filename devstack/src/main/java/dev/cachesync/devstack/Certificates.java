package dev.cachesync.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Key;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and the certificates it signed, generated with the JDK's keytool in a temp
 * folder: a server certificate for {@code 127.0.0.1} and {@code localhost} (for Kafka's and Redis's TLS
 * listeners) and a client certificate (for mutual TLS). Every store is PKCS12 with a random password; the server
 * and client keys are also written as PEM for redis-server. Valid for two days.
 *
 * <p>Generating takes a dozen keytool runs, so the secured parts of one JVM share {@link #shared()}.
 */
public final class Certificates implements AutoCloseable {
    private static Certificates shared;

    private final Path dir;
    private final String password;

    private Certificates(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** This JVM's certificates: generated on first use, deleted when the JVM exits. */
    public static synchronized Certificates shared() {
        if (shared == null) {
            shared = DevStack.stopAtExit(generate());
        }
        return shared;
    }

    /** Generates the CA, the server and the client certificate; takes a few keytool runs (seconds). */
    public static Certificates generate() {
        Certificates certificates = new Certificates(Logs.tempDir("certificates"), Secrets.random());
        certificates.create();
        return certificates;
    }

    /** PKCS12 truststore holding the CA certificate: what clients trust. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** PKCS12 keystore of the server: its key and certificate chain. */
    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    /** PKCS12 keystore of a client (CN=cachesync-client), for mutual TLS. */
    public Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** The password of every store and key here. */
    public String password() {
        return password;
    }

    /** The CA certificate, PEM. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The server certificate, PEM. */
    public Path serverCertificatePem() {
        return dir.resolve("server.pem");
    }

    /** The server's private key, unencrypted PKCS#8 PEM (readable by this user only). */
    public Path serverKeyPem() {
        return dir.resolve("server-key.pem");
    }

    @Override
    public void close() {
        Logs.deleteRecursively(dir);
    }

    private void create() {
        keytool("-genkeypair", "-keystore", "ca.p12", "-alias", "ca", "-dname", "CN=cachesync devstack CA",
                "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
        keytool("-exportcert", "-rfc", "-keystore", "ca.p12", "-alias", "ca", "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-keystore", "truststore.p12", "-alias", "ca", "-file", "ca.pem");
        signed("server", "CN=localhost", "serverAuth,clientAuth");
        signed("client", "CN=cachesync-client", "clientAuth");
        writeKeyPem(serverKeystore(), "server", serverKeyPem());
    }

    /** A key pair in {@code name}.p12 with a certificate signed by the CA (chain installed), also as PEM. */
    private void signed(String name, String dname, String extendedKeyUsage) {
        String store = name + ".p12";
        keytool("-genkeypair", "-keystore", store, "-alias", name, "-dname", dname, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2");
        keytool("-certreq", "-keystore", store, "-alias", name, "-file", name + ".csr");
        keytool("-gencert", "-rfc", "-keystore", "ca.p12", "-alias", "ca", "-infile", name + ".csr",
                "-outfile", name + ".pem", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-ext", "eku=" + extendedKeyUsage);
        keytool("-importcert", "-noprompt", "-keystore", store, "-alias", "ca", "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-keystore", store, "-alias", name, "-file", name + ".pem");
    }

    private void writeKeyPem(Path keystore, String alias, Path target) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            Key key = store.getKey(alias, password.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(target, pem);
            target.toFile().setReadable(false, false);
            target.toFile().setReadable(true, true);
        } catch (IOException | GeneralSecurityException e) {
            throw new DevStackException("certificates", "cannot write the PEM key of " + alias + ": " + e, null, e);
        }
    }

    private void keytool(String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        // A short-lived JVM each: skip the optimizing compiler and the parallel GC start-up.
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", "DEVSTACK_STORE_PASSWORD"));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass:env", "DEVSTACK_STORE_PASSWORD"));
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            // The password goes through the environment, so it is in no command line (ps) and no error message.
            builder.environment().put("DEVSTACK_STORE_PASSWORD", password);
            Process process = builder.start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            process.getInputStream().transferTo(output);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new DevStackException("certificates", "keytool " + args[0] + " failed in " + dir,
                        output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DevStackException("certificates", "cannot run " + keytool + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("certificates", "interrupted while running keytool", null, e);
        }
    }
}
