package dev.cachesync.schemas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory Confluent-API schema registry on {@code com.sun.net.httpserver}, for unit tests of the client and
 * serde: it registers, looks up, checks BACKWARD compatibility with Avro's own checker, counts requests, and can
 * be told to fail, hold answers back, or never answer.
 */
public final class StubRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/ccompat/v7";
    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern SUBJECT_CONFIG = Pattern.compile("/config/([^/]+)");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/latest");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new ConcurrentHashMap<>();
    private final Map<String, String> subjectLevels = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String globalLevel = "BACKWARD";
    private volatile String heldBack = null;    // "METHOD /path" prefix whose answers wait for release()
    private volatile boolean silent = false;    // never answer (until close)
    private int nextId = 1;

    private record Failure(int status, String body) {
    }

    private StubRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubRegistry start() {
        try {
            return new StubRegistry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Confluent REST base, with a path prefix as Apicurio has. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PREFIX;
    }

    /** How many requests {@code "METHOD /path"} received (path without prefix and query). */
    public int requests(String methodAndPath) {
        AtomicInteger count = requests.get(methodAndPath);
        return count == null ? 0 : count.get();
    }

    /** Answer requests whose {@code "METHOD /path"} starts with {@code prefix} with this status and body. */
    public void fail(String prefix, int status, String body) {
        failures.put(prefix, new Failure(status, body));
    }

    /** Hold back answers to requests starting with {@code prefix} until {@link #release()}. */
    public void holdBack(String prefix) {
        heldBack = prefix;
    }

    public void release() {
        released.countDown();
    }

    /** Accept connections but never answer. */
    public void goSilent() {
        silent = true;
    }

    public String subjectLevel(String subject) {
        return subjectLevels.get(subject);
    }

    public String globalLevel() {
        return globalLevel;
    }

    public List<Integer> versions(String subject) {
        return subjects.getOrDefault(subject, List.of());
    }

    @Override
    public void close() {
        released.countDown();
        silent = false;
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!path.startsWith(PREFIX)) {
                send(exchange, 404, error(404, "no such path " + path));
                return;
            }
            path = path.substring(PREFIX.length());
            String key = exchange.getRequestMethod() + " " + path;
            requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (silent) {
                released.await(); // until close
                return;
            }
            if (heldBack != null && key.startsWith(heldBack)) {
                released.await(30, TimeUnit.SECONDS);
            }
            for (Map.Entry<String, Failure> failure : failures.entrySet()) {
                if (key.startsWith(failure.getKey())) {
                    send(exchange, failure.getValue().status(), failure.getValue().body());
                    return;
                }
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            answer(exchange, exchange.getRequestMethod(), path, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void answer(HttpExchange exchange, String method, String path, String body)
            throws IOException {
        Matcher m;
        if (method.equals("POST") && (m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            register(exchange, decode(m.group(1)), parse(body));
        } else if (method.equals("POST") && (m = SUBJECT.matcher(path)).matches()) {
            lookup(exchange, decode(m.group(1)), parse(body));
        } else if (method.equals("GET") && (m = SCHEMA_BY_ID.matcher(path)).matches()) {
            Schema schema = schemasById.get(Integer.parseInt(m.group(1)));
            if (schema == null) {
                send(exchange, 404, error(40403, "Schema " + m.group(1) + " not found"));
            } else {
                send(exchange, 200, object().put("schema", schema.toString()).toString());
            }
        } else if (path.equals("/config")) {
            if (method.equals("PUT")) {
                globalLevel = JSON.readTree(body).get("compatibility").asText();
                send(exchange, 200, object().put("compatibility", globalLevel).toString());
            } else {
                send(exchange, 200, object().put("compatibilityLevel", globalLevel).toString());
            }
        } else if ((m = SUBJECT_CONFIG.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            if (method.equals("PUT")) {
                subjectLevels.put(subject, JSON.readTree(body).get("compatibility").asText());
                send(exchange, 200, object().put("compatibility", subjectLevels.get(subject)).toString());
            } else if (subjectLevels.containsKey(subject)) {
                send(exchange, 200, object().put("compatibilityLevel", subjectLevels.get(subject)).toString());
            } else {
                // Like registries that ignore defaultToGlobal: "no subject-level config".
                send(exchange, 404, error(40408, "Subject '" + subject + "' does not have subject-level config"));
            }
        } else if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            List<Integer> versions = subjects.get(subject);
            if (versions == null) {
                send(exchange, 404, error(40401, "Subject '" + subject + "' not found."));
            } else {
                boolean compatible = incompatibility(subject, parse(body)) == null;
                send(exchange, 200, object().put("is_compatible", compatible).toString());
            }
        } else {
            send(exchange, 404, error(404, "stub does not serve " + method + " " + path));
        }
    }

    private void register(HttpExchange exchange, String subject, Schema schema) throws IOException {
        String incompatibility = incompatibility(subject, schema);
        if (incompatibility != null) {
            send(exchange, 409, error(409, "Schema being registered is incompatible with an earlier schema for"
                    + " subject \"" + subject + "\", details: " + incompatibility));
            return;
        }
        int id = schemasById.entrySet().stream().filter(e -> e.getValue().equals(schema))
                .map(Map.Entry::getKey).findFirst().orElseGet(() -> {
                    int fresh = nextId++;
                    schemasById.put(fresh, schema);
                    return fresh;
                });
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        send(exchange, 200, object().put("id", id).toString());
    }

    private void lookup(HttpExchange exchange, String subject, Schema schema) throws IOException {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            send(exchange, 404, error(40401, "Subject '" + subject + "' not found."));
            return;
        }
        for (int i = 0; i < versions.size(); i++) {
            if (schemasById.get(versions.get(i)).equals(schema)) {
                send(exchange, 200, object().put("subject", subject).put("id", versions.get(i))
                        .put("version", i + 1).put("schema", schema.toString()).toString());
                return;
            }
        }
        send(exchange, 404, error(40403, "Schema not found"));
    }

    /** BACKWARD: the new schema must read data written with the latest version; null when compatible. */
    private String incompatibility(String subject, Schema candidate) {
        String level = subjectLevels.getOrDefault(subject, globalLevel);
        List<Integer> versions = subjects.get(subject);
        if (level.equals("NONE") || versions == null || versions.isEmpty()) {
            return null;
        }
        Schema latest = schemasById.get(versions.get(versions.size() - 1));
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest);
        return result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
                ? null : result.getResult().getIncompatibilities().toString();
    }

    private static Schema parse(String body) throws IOException {
        JsonNode json = JSON.readTree(body);
        return new Schema.Parser().parse(json.get("schema").asText());
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static String error(int code, String message) {
        return object().put("error_code", code).put("message", message).toString();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
