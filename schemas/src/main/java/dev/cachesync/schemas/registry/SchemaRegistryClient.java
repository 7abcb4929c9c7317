package dev.cachesync.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachesync.schemas.security.RegistryAuth;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thin client for the Confluent schema-registry REST API (Confluent, Apicurio's {@code /apis/ccompat/v7},
 * Karapace, Redpanda), on {@code java.net.http} and Jackson.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder("http://127.0.0.1:8081")
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .auth(RegistryAuth.fromEnv(System.getenv()))   // optional: basic auth or a bearer token
 *         .build();
 * int id = registry.register("catalog.product-events.v1-value", ProductEvent.getClassSchema());
 * Schema writer = registry.getSchemaById(id);   // cached: one HTTP call per id per client
 * }</pre>
 *
 * <p>Schemas are sent as the repository's {@code .avsc} says them, without the {@code avro.java.*} properties
 * Avro's Java code generator adds to generated classes' schemas (as Confluent's
 * {@code avro.remove.java.properties=true}): other languages' clients that register or look up the same
 * {@code .avsc} find the same id. A lookup falls back to the schema with those properties, as earlier releases
 * registered it.
 *
 * <p>Thread-safe. Schemas by id and the ids of registered schemas are cached for the life of the client (a
 * registry never changes what an id means). Every failure is a {@link SchemaRegistryException}; a refused
 * credential is a {@link RegistryAccessDeniedException}, whose message never contains the credential.
 */
public final class SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final RegistryAuth auth;
    private final HttpClient http;
    private final ConcurrentHashMap<Integer, CompletableFuture<Schema>> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private SchemaRegistryClient(Builder builder) {
        this.baseUrl = builder.baseUrl;
        this.connectTimeout = builder.connectTimeout;
        this.requestTimeout = builder.requestTimeout;
        this.auth = builder.auth;
        this.http = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                // Plain HTTP/1.1: some registries mishandle the h2c upgrade the JDK would otherwise attempt.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A client with the default timeouts (connect 5 s, request 10 s). */
    public static SchemaRegistryClient create(String baseUrl) {
        return builder(baseUrl).build();
    }

    /** @param baseUrl the REST base, e.g. {@code http://host:8081} or {@code http://host:8080/apis/ccompat/v7} */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it if already there) and returns its global id.
     *
     * @throws IncompatibleSchemaException if the subject's compatibility rule refuses it (HTTP 409)
     */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + encode(subject) + "/versions";
        Response response = send("POST", path, schemaBody(schema));
        if (response.status == 409) {
            // Confluent's API means "incompatible"; Apicurio also answers 409 to the loser of two instances
            // registering the same new schema at once ("already exists"). Seen: two invalidators starting together,
            // one dropped its InvalidationApplied records. If the schema is there now, that is its id.
            try {
                int id = lookupId(subject, schema);
                log.debug("Schema {} under subject {} was registered concurrently as id {}", schema.getFullName(),
                        subject, id);
                return id;
            } catch (UnknownSchemaException notThere) {
                throw new IncompatibleSchemaException(subject, response.registryMessage());
            }
        }
        response.requireSuccess();
        int id = response.json().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered POST " + path
                    + " without an id: " + response.body);
        }
        log.debug("Registered schema {} under subject {} as id {}", schema.getFullName(), subject, id);
        remember(key, id);
        return id;
    }

    /**
     * The id of {@code schema} under {@code subject}, without registering it.
     *
     * @throws UnknownSchemaException if the subject does not exist or does not hold this schema
     */
    public int lookupId(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        String path = "/subjects/" + encode(subject);
        Response response = send("POST", path, schemaBody(schema));
        if (response.status == 404 && PortableSchemas.hasJavaProperties(schema)) {
            // Registered by an earlier release, which kept the Java code generator's properties.
            response = send("POST", path, JSON.createObjectNode().put("schema", schema.toString()).toString());
        }
        if (response.status == 404) {
            throw new UnknownSchemaException("Schema " + schema.getFullName() + " is not registered under subject '"
                    + subject + "' at " + baseUrl + " (registry said: " + response.registryMessage() + ")",
                    response.registryErrorCode());
        }
        response.requireSuccess();
        int id = response.json().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered POST " + path
                    + " without an id: " + response.body);
        }
        remember(key, id);
        return id;
    }

    /**
     * The schema registered with global id {@code id}. Cached: one HTTP call per id for the life of this client,
     * also when many threads ask for the same new id at once. Failures are not cached.
     *
     * @throws UnknownSchemaException if the registry has no schema with this id (HTTP 404)
     */
    public Schema getSchemaById(int id) {
        CompletableFuture<Schema> mine = new CompletableFuture<>();
        CompletableFuture<Schema> existing = schemasById.putIfAbsent(id, mine);
        if (existing == null) {
            try {
                mine.complete(fetchSchema(id));
            } catch (RuntimeException e) {
                schemasById.remove(id, mine); // so a later call may try again
                mine.completeExceptionally(e);
                throw e;
            }
            return mine.join();
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The registry-wide compatibility level. */
    public CompatibilityLevel getCompatibility() {
        Response response = send("GET", "/config", null);
        response.requireSuccess();
        return parseLevel(response, "/config");
    }

    /**
     * The compatibility level of {@code subject}: its own, or the global one if the registry says it has none.
     * Apicurio 2.6 answers {@code NONE} for a subject without a level of its own (its global rule still applies),
     * and treats setting {@code NONE} on a subject as removing the subject's level.
     */
    public CompatibilityLevel getCompatibility(String subject) {
        String path = "/config/" + encode(subject);
        Response response = send("GET", path + "?defaultToGlobal=true", null);
        if (response.status == 404) {
            return getCompatibility(); // registries that ignore defaultToGlobal answer 404 for "no own level"
        }
        response.requireSuccess();
        return parseLevel(response, path);
    }

    /** Sets the registry-wide compatibility level. */
    public void setCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", levelBody(level)).requireSuccess();
    }

    /** Sets the compatibility level of one subject. */
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + encode(subject), levelBody(level)).requireSuccess();
    }

    /**
     * Whether the registry would accept {@code schema} as the next version of {@code subject}, without
     * registering it. A subject that does not exist yet accepts any schema.
     */
    public boolean testCompatibility(String subject, Schema schema) {
        String path = "/compatibility/subjects/" + encode(subject) + "/versions/latest";
        Response response = send("POST", path, schemaBody(schema));
        if (response.status == 404) {
            return true; // no earlier version to be incompatible with
        }
        response.requireSuccess();
        JsonNode verdict = response.json().get("is_compatible");
        if (verdict == null || !verdict.isBoolean()) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered POST " + path
                    + " without is_compatible: " + response.body);
        }
        return verdict.booleanValue();
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + baseUrl + "]";
    }

    private Schema fetchSchema(int id) {
        String path = "/schemas/ids/" + id;
        Response response = send("GET", path, null);
        if (response.status == 404) {
            throw new UnknownSchemaException("Schema id " + id + " is unknown to the schema registry at " + baseUrl
                    + " (registry said: " + response.registryMessage() + ")", response.registryErrorCode());
        }
        response.requireSuccess();
        JsonNode json = response.json();
        String type = json.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("Schema id " + id + " at " + baseUrl + " is a " + type
                    + " schema, not Avro");
        }
        String text = json.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered GET " + path
                    + " without a schema: " + response.body);
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("Schema id " + id + " at " + baseUrl + " is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
    }

    private void remember(SubjectSchema key, int id) {
        idsBySubjectSchema.put(key, id);
        // The registry now means this schema by this id: no need to fetch it back.
        schemasById.putIfAbsent(id, CompletableFuture.completedFuture(PortableSchemas.of(key.schema())));
    }

    private CompatibilityLevel parseLevel(Response response, String path) {
        JsonNode json = response.json();
        // Confluent answers GET with "compatibilityLevel"; some registries echo "compatibility".
        String level = json.path("compatibilityLevel").asText(json.path("compatibility").asText(null));
        if (level == null) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " answered GET " + path
                    + " without a compatibility level: " + response.body);
        }
        try {
            return CompatibilityLevel.valueOf(level.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException("Schema registry at " + baseUrl + " reported an unknown compatibility"
                    + " level '" + level + "' for " + path, e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", PortableSchemas.json(schema));
        return body.toString();
    }

    private static String levelBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", Objects.requireNonNull(level, "level").name());
        return body.toString();
    }

    private static String encode(String subject) {
        Objects.requireNonNull(subject, "subject");
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Response send(String method, String path, String body) {
        String url = baseUrl + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        auth.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new RegistryAccessDeniedException(method + " " + url, response.statusCode(), auth.description());
            }
            return new Response(method + " " + url, response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException e) {
            throw new RegistryUnreachableException(url, "no TCP connection within " + connectTimeout, e);
        } catch (HttpTimeoutException e) {
            throw new RegistryUnreachableException(url, method + " got no answer within " + requestTimeout, e);
        } catch (IOException e) {
            throw new RegistryUnreachableException(url, method + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while calling the schema registry: " + method + " " + url,
                    e);
        }
    }

    /** Identity of a registration: the same schema may live under several subjects with one id. */
    private record SubjectSchema(String subject, Schema schema) {
    }

    private static final class Response {
        final String request;
        final int status;
        final String body;

        Response(String request, int status, String body) {
            this.request = request;
            this.status = status;
            this.body = body == null ? "" : body;
        }

        void requireSuccess() {
            if (status / 100 != 2) {
                throw new RegistryHttpException(request, status, body);
            }
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new SchemaRegistryException("Schema registry answered " + request + " with a body that is not"
                        + " JSON: " + body, e);
            }
        }

        /** Confluent error bodies are {"error_code": 40403, "message": "..."}; fall back to the raw body. */
        String registryMessage() {
            try {
                JsonNode message = JSON.readTree(body).get("message");
                return message != null && message.isTextual() ? message.asText() : body;
            } catch (IOException e) {
                return body;
            }
        }

        int registryErrorCode() {
            try {
                return JSON.readTree(body).path("error_code").asInt(-1);
            } catch (IOException e) {
                return -1;
            }
        }
    }

    /** Configures a {@link SchemaRegistryClient}. */
    public static final class Builder {
        private final String baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private RegistryAuth auth = RegistryAuth.none();

        private Builder(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String trimmed = baseUrl.trim();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Schema registry URL is not a valid URL: '" + baseUrl + "'", e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("Schema registry URL must be http(s)://host[:port][/path], got '"
                        + baseUrl + "'");
            }
            this.baseUrl = trimmed;
        }

        /** How long to wait for a TCP connection (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for each answer (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = requirePositive(timeout, "requestTimeout");
            return this;
        }

        /** Credentials sent with every request (default none). */
        public Builder auth(RegistryAuth auth) {
            this.auth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        public SchemaRegistryClient build() {
            return new SchemaRegistryClient(this);
        }

        private static Duration requirePositive(Duration timeout, String name) {
            Objects.requireNonNull(timeout, name);
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + timeout);
            }
            return timeout;
        }
    }
}
