package dev.cachesync.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cachesync.catalog.app.CatalogApp;
import dev.cachesync.catalog.app.CatalogConfig;
import dev.cachesync.catalog.app.Database;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests, the compose file and the Dockerfiles are kept true to the code: every probe names an
 * endpoint the running service answers, every variable they set is one the service reads, every main class
 * exists, and the invalidator never has more replicas than input partitions.
 */
class DeployManifestsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Deployment or compose service name -> the service whose code it runs. */
    private static final Map<String, String> SERVICES = Map.of(
            "cachesync-invalidator", "invalidator", "invalidator", "invalidator",
            "cachesync-catalog", "catalog", "catalog", "catalog");
    private static final Map<String, Set<String>> VARIABLES_READ = Map.of(
            "invalidator", Stream.concat(InvalidatorConfig.VARIABLES.stream(),
                    InvalidatorConfig.SECURITY_VARIABLES.stream()).collect(Collectors.toSet()),
            "catalog", Stream.concat(Arrays.stream(CatalogConfig.VARIABLES).map(v -> v[0]),
                    CatalogConfig.SECURITY_VARIABLES.stream()).collect(Collectors.toSet()));
    private static final YAMLMapper YAML = new YAMLMapper();

    private static List<JsonNode> k8s;

    @BeforeAll
    static void parseManifests() throws IOException {
        k8s = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    docs.readAll().stream().filter(doc -> !doc.isNull() && !doc.isEmpty()).forEach(k8s::add);
                }
            }
        }
        assertThat(kinds("Deployment")).hasSize(2);
    }

    @Test
    void everyVariableTheManifestsSetIsOneTheServiceReads() {
        for (JsonNode deployment : kinds("Deployment")) {
            String service = service(deployment);
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                Set<String> set = new HashSet<>();
                container.path("env").forEach(env -> set.add(env.path("name").asText()));
                for (JsonNode from : container.path("envFrom")) {
                    if (from.has("configMapRef")) {
                        fieldNames(named("ConfigMap", from.at("/configMapRef/name").asText()).path("data")).forEach(set::add);
                    }
                    if (from.has("secretRef")) {
                        JsonNode secret = named("Secret", from.at("/secretRef/name").asText());
                        fieldNames(secret.path("stringData")).forEach(set::add);
                        fieldNames(secret.path("data")).forEach(set::add);
                    }
                }
                assertThat(set).as("variables set for %s", name(deployment)).isNotEmpty()
                        .isSubsetOf(VARIABLES_READ.get(service));
            }
        }
    }

    @Test
    void everyVariableTheComposeFileSetsIsOneTheServiceReads() throws IOException {
        JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
        for (String name : List.of("invalidator", "catalog")) {
            JsonNode environment = compose.at("/services/" + name + "/environment");
            assertThat(environment.isMissingNode()).as("compose service %s", name).isFalse();
            assertThat(fieldNames(environment)).as("variables of compose service %s", name)
                    .isSubsetOf(VARIABLES_READ.get(SERVICES.get(name)));
        }
        assertThat(fieldNames(compose.path("services"))).contains("kafka", "redis", "schema-registry");
    }

    @Test
    void deploymentsHaveProbesResourcesAndADisruptionBudget() {
        for (JsonNode deployment : kinds("Deployment")) {
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).as("liveness of %s", name(deployment)).isNotBlank();
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).as("readiness of %s", name(deployment)).isNotBlank();
            for (String bound : List.of("/resources/requests/cpu", "/resources/requests/memory",
                    "/resources/limits/cpu", "/resources/limits/memory")) {
                assertThat(container.at(bound).asText()).as("%s of %s", bound, name(deployment)).isNotBlank();
            }
            JsonNode labels = deployment.at("/spec/selector/matchLabels");
            assertThat(kinds("PodDisruptionBudget")).as("a PodDisruptionBudget selecting %s", name(deployment))
                    .anyMatch(pdb -> pdb.at("/spec/selector/matchLabels").equals(labels));
        }
    }

    @Test
    void theInvalidatorHasNoMoreReplicasThanInputPartitions() {
        JsonNode deployment = named("Deployment", "cachesync-invalidator");
        int partitions = named("ConfigMap", "cachesync-invalidator").at("/data/INVALIDATOR_TOPIC_PARTITIONS").asInt();
        assertThat(partitions).isPositive();
        assertThat(deployment.at("/spec/replicas").asInt()).isBetween(1, partitions);
    }

    @Test
    void theDockerfilesStartMainClassesThatExist() throws Exception {
        Pattern mainClass = Pattern.compile("\"(dev\\.cachesync\\.[A-Za-z.]+)\"");
        for (String dockerfile : List.of("invalidator.Dockerfile", "catalog-producer.Dockerfile")) {
            Matcher matcher = mainClass.matcher(Files.readString(ROOT.resolve("deploy/docker/" + dockerfile)));
            assertThat(matcher.find()).as("main class in %s", dockerfile).isTrue();
            assertThat(Class.forName(matcher.group(1)).getMethod("main", String[].class)).isNotNull();
        }
    }

    @Test
    void everyProbeNamesAnEndpointTheRunningServiceAnswers() throws Exception {
        var kafka = DevStack.kafka();
        var registry = DevStack.schemaRegistry();
        var redis = DevStack.redis();
        Map<String, Set<String>> probes = new HashMap<>();
        for (JsonNode deployment : kinds("Deployment")) {
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            probes.computeIfAbsent(service(deployment), s -> new HashSet<>()).addAll(List.of(
                    container.at("/livenessProbe/httpGet/path").asText(),
                    container.at("/readinessProbe/httpGet/path").asText()));
            probes.get(service(deployment)).add(deployment.at("/spec/template/metadata/annotations/prometheus.io~1path").asText());
        }
        HttpClient http = HttpClient.newHttpClient();
        try (InvalidatorApp invalidator = InvalidatorApp.start(InvalidatorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", "manifest-test-" + UUID.randomUUID() + ":",
                "INVALIDATOR_APPLICATION_ID", "manifest-test-" + UUID.randomUUID(),
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("manifest-test").toString())));
             CatalogApp catalog = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                     "PORT", "0", "JDBC_URL", Database.DEFAULT_H2_URL.replace("mem:catalog", "mem:manifest-" + UUID.randomUUID()),
                     "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url())))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> invalidator.state() == KafkaStreams.State.RUNNING);
            Map<String, Integer> ports = Map.of("invalidator", invalidator.httpPort(), "catalog", catalog.port());
            for (var entry : probes.entrySet()) {
                for (String path : entry.getValue()) {
                    String url = "http://127.0.0.1:" + ports.get(entry.getKey()) + path;
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode())
                            .as("GET %s (%s)", url, entry.getKey()).isEqualTo(200));
                }
            }
        }
    }

    private static List<JsonNode> kinds(String kind) {
        return k8s.stream().filter(doc -> kind.equals(doc.path("kind").asText())).toList();
    }

    private static JsonNode named(String kind, String name) {
        return kinds(kind).stream().filter(doc -> name.equals(name(doc))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in deploy/k8s"));
    }

    private static String name(JsonNode doc) {
        return doc.at("/metadata/name").asText();
    }

    private static String service(JsonNode deployment) {
        String service = SERVICES.get(name(deployment));
        assertThat(service).as("which service Deployment %s runs", name(deployment)).isNotNull();
        return service;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
