package dev.cachesync.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stub of a Confluent-compatible schema registry for unit tests of pure logic (a topology on
 * TopologyTestDriver, a decoder): an HTTP server on a free 127.0.0.1 port, in memory, that starts in
 * milliseconds where {@link SchemaRegistry} (Apicurio) takes seconds. Integration tests use {@link SchemaRegistry}.
 *
 * <pre>{@code
 * try (InMemorySchemaRegistry registry = InMemorySchemaRegistry.start()) {
 *     Serde<ProductEvent> serde = AvroSerdes.serde(ProductEvent.class, registry.url());
 *     registry.answerNext("GET /schemas/ids/", 503, "{\"error_code\":50301,\"message\":\"unavailable\"}");
 * }
 * }</pre>
 *
 * <p>It serves the part of the Confluent REST API that cachesync's {@code SchemaRegistryClient} and serde use:
 * register a schema under a subject ({@code POST /subjects/{s}/versions}: one global id per distinct schema), look
 * a schema up under a subject ({@code POST /subjects/{s}}), fetch a schema by id ({@code GET /schemas/ids/{id}}),
 * list subjects and versions ({@code GET /subjects}, {@code /subjects/{s}/versions}, {@code .../versions/{n|latest}}),
 * and read and set compatibility levels ({@code GET|PUT /config}, {@code /config/{s}}). Errors have Confluent's
 * body ({@code error_code}, {@code message}). Two schemas are the same when their JSON is equal; it does not parse
 * Avro.
 *
 * <p><b>It checks no compatibility.</b> Levels are stored and answered but never enforced: every schema is accepted
 * as the next version of any subject, and the compatibility test endpoint answers 501. A test of schema evolution
 * or of what the registry refuses needs the real registry.
 *
 * <p>{@link #answerNext} scripts failures: the next request matching a method and path prefix gets the scripted
 * status and body instead of the stub's answer (an outage, 401, 429, a proxy's HTML page).
 */
public final class InMemorySchemaRegistry implements AutoCloseable {

    /** The path of the Confluent API, as on Apicurio ({@link SchemaRegistry#url()}), so URLs look alike. */
    public static final String API_PATH = "/apis/ccompat/v7";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT_VERSION = Pattern.compile("/subjects/([^/]+)/versions/([^/]+)");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/([^/]+)");
    private static final Pattern SUBJECT_CONFIG = Pattern.compile("/config/([^/]+)");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/[^/]+/versions(/[^/]+)?");

    private record Scripted(String request, int status, String body) {
    }

    private record Answer(int status, String body) {
    }

    /** A schema as registered: its text as sent, its type, and the text parsed, which decides identity. */
    private record Registered(String text, String type, JsonNode parsed) {
        boolean sameAs(Registered other) {
            return type.equals(other.type) && parsed.equals(other.parsed);
        }

        ObjectNode json() {
            ObjectNode json = JSON.createObjectNode().put("schema", text);
            if (!type.equals("AVRO")) { // Confluent leaves out the default type
                json.put("schemaType", type);
            }
            return json;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    // Guarded by this: the registry's state and the script.
    private final List<Registered> schemasById = new ArrayList<>();     // id n at index n - 1
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();  // subject -> ids, version n at n - 1
    private final Map<String, String> subjectLevels = new LinkedHashMap<>();
    private final List<Scripted> script = new ArrayList<>();
    private String globalLevel = "BACKWARD";
    private int scriptedAnswers;

    private InMemorySchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "in-memory-schema-registry");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an empty registry on a free port of 127.0.0.1; global compatibility level BACKWARD (not enforced). */
    public static InMemorySchemaRegistry start() {
        try {
            return new InMemorySchemaRegistry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-memory schema registry on 127.0.0.1", e);
        }
    }

    /** Base URL of the Confluent API, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port() + API_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The next request whose {@code "METHOD /path"} (path below {@link #url()}, without the query) starts with
     * {@code request}, e.g. {@code "GET /schemas/ids/"}, is answered with {@code status} and {@code body} instead.
     * Scripted answers are used once each, in the order given.
     */
    public synchronized InMemorySchemaRegistry answerNext(String request, int status, String body) {
        script.add(new Scripted(request, status, body));
        return this;
    }

    /** How many scripted answers were given so far. */
    public synchronized int scriptedAnswers() {
        return scriptedAnswers;
    }

    /** The ids registered under {@code subject}, version 1 first; empty for an unknown subject. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(subjects.getOrDefault(subject, List.of()));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Answer answer;
            if (!path.startsWith(API_PATH)) {
                answer = error(404, 404, "no such path " + path + " (the API is under " + API_PATH + ")");
            } else {
                String method = exchange.getRequestMethod();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                answer = answer(method, path.substring(API_PATH.length()), body);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private synchronized Answer answer(String method, String path, String body) {
        Scripted scripted = takeScripted(method + " " + path);
        if (scripted != null) {
            return new Answer(scripted.status(), scripted.body());
        }
        try {
            return serve(method, path, body);
        } catch (IOException | IllegalArgumentException e) {
            return error(422, 42201, "cannot read the request: " + e.getMessage());
        }
    }

    private Scripted takeScripted(String request) {
        for (Iterator<Scripted> it = script.iterator(); it.hasNext(); ) {
            Scripted next = it.next();
            if (request.startsWith(next.request())) {
                it.remove();
                scriptedAnswers++;
                return next;
            }
        }
        return null;
    }

    private Answer serve(String method, String path, String body) throws IOException {
        Matcher m;
        if (path.equals("/subjects") && method.equals("GET")) {
            ArrayNode names = JSON.createArrayNode();
            subjects.keySet().forEach(names::add);
            return ok(names);
        }
        if ((m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            if (method.equals("POST")) {
                return register(subject, schemaOf(body));
            }
            if (method.equals("GET")) {
                List<Integer> ids = subjects.get(subject);
                if (ids == null) {
                    return subjectNotFound(subject);
                }
                ArrayNode versions = JSON.createArrayNode();
                for (int v = 1; v <= ids.size(); v++) {
                    versions.add(v);
                }
                return ok(versions);
            }
        }
        if ((m = SUBJECT_VERSION.matcher(path)).matches() && method.equals("GET")) {
            return version(decode(m.group(1)), m.group(2));
        }
        if ((m = SUBJECT.matcher(path)).matches() && method.equals("POST")) {
            return lookup(decode(m.group(1)), schemaOf(body));
        }
        if ((m = SCHEMA_BY_ID.matcher(path)).matches() && method.equals("GET")) {
            int id = parseInt(m.group(1));
            if (id < 1 || id > schemasById.size()) {
                return error(404, 40403, "Schema " + m.group(1) + " not found");
            }
            return ok(schemasById.get(id - 1).json());
        }
        if (path.equals("/config")) {
            if (method.equals("PUT")) {
                globalLevel = levelOf(body);
                return ok(JSON.createObjectNode().put("compatibility", globalLevel));
            }
            if (method.equals("GET")) {
                return ok(JSON.createObjectNode().put("compatibilityLevel", globalLevel));
            }
        }
        if ((m = SUBJECT_CONFIG.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            if (method.equals("PUT")) {
                subjectLevels.put(subject, levelOf(body));
                return ok(JSON.createObjectNode().put("compatibility", subjectLevels.get(subject)));
            }
            if (method.equals("GET")) {
                // Confluent with ?defaultToGlobal=true: the subject's own level, else the global one.
                return ok(JSON.createObjectNode().put("compatibilityLevel",
                        subjectLevels.getOrDefault(subject, globalLevel)));
            }
        }
        if (COMPATIBILITY.matcher(path).matches()) {
            return error(501, 50101, "the in-memory schema registry checks no compatibility; test schema evolution"
                    + " against devstack's SchemaRegistry");
        }
        return error(404, 404, "the in-memory schema registry does not serve " + method + " " + path);
    }

    /** One global id per distinct schema, as Confluent: the same schema under two subjects has one id. */
    private Answer register(String subject, Registered schema) {
        int id = idOf(schema);
        if (id == 0) {
            schemasById.add(schema);
            id = schemasById.size();
        }
        List<Integer> ids = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
        return ok(JSON.createObjectNode().put("id", id));
    }

    /** The id of a schema registered before, 0 if none. */
    private int idOf(Registered schema) {
        for (int i = 0; i < schemasById.size(); i++) {
            if (schemasById.get(i).sameAs(schema)) {
                return i + 1;
            }
        }
        return 0;
    }

    private Answer lookup(String subject, Registered schema) {
        List<Integer> ids = subjects.get(subject);
        if (ids == null) {
            return subjectNotFound(subject);
        }
        for (int v = 1; v <= ids.size(); v++) {
            int id = ids.get(v - 1);
            if (schemasById.get(id - 1).sameAs(schema)) {
                return ok(describe(subject, v, id));
            }
        }
        return error(404, 40403, "Schema not found");
    }

    private Answer version(String subject, String version) {
        List<Integer> ids = subjects.get(subject);
        if (ids == null) {
            return subjectNotFound(subject);
        }
        int v = version.equals("latest") || version.equals("-1") ? ids.size() : parseInt(version);
        if (v < 1 || v > ids.size()) {
            return error(404, 40402, "Version " + version + " not found.");
        }
        return ok(describe(subject, v, ids.get(v - 1)));
    }

    private ObjectNode describe(String subject, int version, int id) {
        ObjectNode answer = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id);
        answer.setAll(schemasById.get(id - 1).json());
        return answer;
    }

    /** The schema of a register or lookup request; its text must be JSON (Avro's is). */
    private static Registered schemaOf(String body) throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode text = request == null ? null : request.get("schema");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("the body has no \"schema\" string: " + body);
        }
        return new Registered(text.asText(), request.path("schemaType").asText("AVRO"), JSON.readTree(text.asText()));
    }

    private static String levelOf(String body) throws IOException {
        JsonNode level = JSON.readTree(body).get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new IllegalArgumentException("the body has no \"compatibility\" string: " + body);
        }
        return level.asText();
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static Answer subjectNotFound(String subject) {
        return error(404, 40401, "Subject '" + subject + "' not found.");
    }

    private static Answer ok(JsonNode body) {
        return new Answer(200, body.toString());
    }

    private static Answer error(int status, int code, String message) {
        return new Answer(status, JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }
}
