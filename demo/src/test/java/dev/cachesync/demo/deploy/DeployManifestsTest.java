package dev.cachesync.demo.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
import dev.cachesync.catalog.auth.ApiKeys;
import dev.cachesync.catalog.auth.Scopes;
import dev.cachesync.auditor.runtime.AuditorApp;
import dev.cachesync.auditor.runtime.AuditorConfig;
import dev.cachesync.cache.client.RedisSettings;
import dev.cachesync.devstack.DevStack;
import dev.cachesync.invalidator.runtime.InvalidatorApp;
import dev.cachesync.invalidator.runtime.InvalidatorConfig;
import dev.cachesync.schemas.security.KafkaClientSecurity;
import dev.cachesync.schemas.security.RegistryAuth;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests, the compose file and the Dockerfiles are kept true to the code: every probe names an
 * endpoint the running service answers, every variable they set is one the service reads, every main class
 * exists, and the invalidator never has more replicas than input partitions. And they are locked down: every
 * credential comes from a Secret, containers run as non-root on a read-only root filesystem, and
 * NetworkPolicies admit only the callers of each port.
 */
class DeployManifestsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Deployment or compose service name -> the service whose code it runs. */
    private static final Map<String, String> SERVICES = Map.of(
            "cachesync-invalidator", "invalidator", "invalidator", "invalidator",
            "cachesync-catalog", "catalog", "catalog", "catalog", "invalidator-cli", "invalidator-cli",
            "cachesync-auditor", "auditor");
    private static final Map<String, Set<String>> VARIABLES_READ = Map.of(
            "invalidator", Stream.concat(InvalidatorConfig.VARIABLES.stream(),
                    InvalidatorConfig.SECURITY_VARIABLES.stream()).collect(Collectors.toSet()),
            "catalog", Stream.concat(Arrays.stream(CatalogConfig.VARIABLES).map(v -> v[0]),
                    CatalogConfig.SECURITY_VARIABLES.stream()).collect(Collectors.toSet()),
            "auditor", Stream.concat(AuditorConfig.VARIABLES.stream(),
                    AuditorConfig.SECURITY_VARIABLES.stream()).collect(Collectors.toSet()),
            "invalidator-cli", Stream.of(List.of("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL"),
                    KafkaClientSecurity.VARIABLES, RegistryAuth.VARIABLES).flatMap(List::stream).collect(Collectors.toSet()));
    /** The compose files: the quick one, the secured variant and the scaled-out one (Kafka and Redis clusters). */
    private static final List<String> COMPOSE_FILES = List.of("docker-compose.yml", "docker-compose.secured.yml",
            "docker-compose.cluster.yml");
    private static final String SECURED_COMPOSE = "docker-compose.secured.yml";
    /** A compose reference to a variable that must be set: ${NAME:?message}. */
    private static final Pattern REQUIRED_REFERENCE = Pattern.compile("\\$\\{([A-Z_]+):\\?[^}]*}");
    private static final YAMLMapper YAML = new YAMLMapper();
    /** A variable holding a credential, by name (every service's, and the Kafka/Redis/registry ones). */
    private static final Pattern CREDENTIAL = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|JAAS_CONFIG|USER_INFO|API_KEYS)");
    private static final String MONITORING_NAMESPACE = "monitoring";

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
        assertThat(kinds("Deployment")).hasSize(3);
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
    void everyVariableTheComposeFilesSetIsOneTheServiceReads() throws IOException {
        for (String file : COMPOSE_FILES) {
            JsonNode compose = compose(file);
            for (String name : fieldNames(compose.path("services"))) {
                if (!SERVICES.containsKey(name)) {
                    continue; // an image of someone else's: Kafka, Redis, the registry, PostgreSQL
                }
                JsonNode environment = compose.at("/services/" + name + "/environment");
                assertThat(environment.isMissingNode()).as("%s service %s", file, name).isFalse();
                assertThat(fieldNames(environment)).as("variables of %s service %s", file, name)
                        .isSubsetOf(VARIABLES_READ.get(SERVICES.get(name)));
            }
            assertThat(fieldNames(compose.path("services"))).as(file)
                    .contains("kafka", "redis", "schema-registry", "catalog", "invalidator");
        }
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
        for (String dockerfile : List.of("invalidator.Dockerfile", "catalog-producer.Dockerfile", "auditor.Dockerfile")) {
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
        record Probe(String service, String portName, String path) {
        }
        List<Probe> probes = new ArrayList<>();
        for (JsonNode deployment : kinds("Deployment")) {
            JsonNode container = deployment.at("/spec/template/spec/containers/0");
            for (String probe : List.of("/livenessProbe/httpGet", "/readinessProbe/httpGet")) {
                probes.add(new Probe(service(deployment), container.at(probe + "/port").asText(),
                        container.at(probe + "/path").asText()));
            }
            JsonNode annotations = deployment.at("/spec/template/metadata/annotations");
            probes.add(new Probe(service(deployment),
                    portName(container, annotations.path("prometheus.io/port").asInt()), annotations.path("prometheus.io/path").asText()));
        }
        // The ports the manifests name are the ports the services are told to listen on.
        JsonNode catalogContainer = named("Deployment", "cachesync-catalog").at("/spec/template/spec/containers/0");
        JsonNode catalogConfig = named("ConfigMap", "cachesync-catalog").path("data");
        assertThat(portName(catalogContainer, catalogConfig.path("PORT").asInt())).isEqualTo("http");
        assertThat(portName(catalogContainer, catalogConfig.path("CATALOG_MANAGEMENT_PORT").asInt())).isEqualTo("management");
        assertThat(portName(named("Deployment", "cachesync-invalidator").at("/spec/template/spec/containers/0"),
                named("ConfigMap", "cachesync-invalidator").at("/data/INVALIDATOR_HTTP_PORT").asInt())).isEqualTo("management");
        assertThat(portName(named("Deployment", "cachesync-auditor").at("/spec/template/spec/containers/0"),
                named("ConfigMap", "cachesync-auditor").at("/data/AUDITOR_HTTP_PORT").asInt())).isEqualTo("management");
        assertThat(probes).as("health and metrics are served on the management port").allMatch(p -> p.portName().equals("management"));

        HttpClient http = HttpClient.newHttpClient();
        try (InvalidatorApp invalidator = InvalidatorApp.start(InvalidatorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url(),
                "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                "REDIS_KEY_PREFIX", "manifest-test-" + UUID.randomUUID() + ":",
                "INVALIDATOR_APPLICATION_ID", "manifest-test-" + UUID.randomUUID(),
                "INVALIDATOR_HTTP_PORT", "0",
                "INVALIDATOR_STATE_DIR", Files.createTempDirectory("manifest-test").toString())));
             CatalogApp catalog = CatalogApp.start(CatalogConfig.fromEnv(Map.of(
                     "PORT", "0", "CATALOG_MANAGEMENT_PORT", "0",
                     "CATALOG_AUTH_API_KEYS", ApiKeys.mint("manifest-test", Scopes.WRITE).entry(),
                     "JDBC_URL", Database.DEFAULT_H2_URL.replace("mem:catalog", "mem:manifest-" + UUID.randomUUID()),
                     "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url())));
             AuditorApp auditor = AuditorApp.start(AuditorConfig.fromEnv(Map.of(
                     "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL", registry.url(),
                     "REDIS_HOST", redis.host(), "REDIS_PORT", String.valueOf(redis.port()),
                     "AUDITOR_GROUP_ID", "manifest-test-" + UUID.randomUUID(), "AUDITOR_HTTP_PORT", "0")))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> invalidator.state() == KafkaStreams.State.RUNNING);
            Map<String, Integer> managementPorts = Map.of("invalidator", invalidator.httpPort(), "catalog", catalog.managementPort(),
                    "auditor", auditor.httpPort());
            for (Probe probe : probes) {
                String url = "http://127.0.0.1:" + managementPorts.get(probe.service()) + probe.path();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode())
                        .as("GET %s (%s)", url, probe.service()).isEqualTo(200));
            }
        }
    }

    @Test
    void everyCredentialComesFromASecretAndNoneIsInTheRepository() {
        for (JsonNode configMap : kinds("ConfigMap")) {
            assertThat(fieldNames(configMap.path("data"))).as("credentials in ConfigMap %s", name(configMap))
                    .noneMatch(v -> CREDENTIAL.matcher(v).matches());
        }
        assertThat(kinds("Secret")).as("Secrets with values in deploy/k8s (create them from your secret store)")
                .allMatch(secret -> secret.path("data").isEmpty() && secret.path("stringData").isEmpty());
        for (JsonNode deployment : kinds("Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                for (JsonNode env : container.path("env")) {
                    if (CREDENTIAL.matcher(env.path("name").asText()).matches()) {
                        assertThat(env.has("value")).as("%s of %s as a literal", env.path("name").asText(), name(deployment)).isFalse();
                        assertThat(env.at("/valueFrom/secretKeyRef/name").asText())
                                .as("%s of %s from a Secret", env.path("name").asText(), name(deployment)).isNotBlank();
                    }
                }
            }
        }
        // The services that have credentials get them: the catalog its database password and its API keys.
        JsonNode catalog = named("Deployment", "cachesync-catalog").at("/spec/template/spec");
        assertThat(catalog.at("/containers/0/env").findValuesAsText("name")).contains("JDBC_PASSWORD");
        String keysFile = named("ConfigMap", "cachesync-catalog").at("/data/CATALOG_AUTH_API_KEYS_FILE").asText();
        assertThat(volumeAt(catalog, keysFile).at("/secret/secretName").asText()).as("volume holding %s", keysFile).isNotBlank();
        assertThat(named("Deployment", "cachesync-invalidator").at("/spec/template/spec/containers/0/env")
                .findValuesAsText("name")).contains("REDIS_PASSWORD");
    }

    @Test
    void theTransportsAreSecuredWithCredentialsFromSecretsAndTrustStoresFromSecretVolumes() {
        Map<String, List<String>> required = Map.of(
                "cachesync-catalog", List.of("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO"),
                "cachesync-invalidator", List.of("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "REDIS_PASSWORD", "REDIS_SSL_TRUSTSTORE_PASSWORD"),
                "cachesync-auditor", List.of("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", "REDIS_PASSWORD", "REDIS_SSL_TRUSTSTORE_PASSWORD"));
        required.forEach((name, secrets) -> {
            JsonNode pod = named("Deployment", name).at("/spec/template/spec");
            JsonNode config = named("ConfigMap", name).path("data");
            assertThat(config.path("KAFKA_SECURITY_PROTOCOL").asText()).as("Kafka protocol of %s", name).isEqualTo("SASL_SSL");
            List<String> fromSecrets = new ArrayList<>();
            pod.at("/containers/0/env").forEach(env -> {
                if (!env.at("/valueFrom/secretKeyRef/name").asText().isEmpty()) {
                    fromSecrets.add(env.path("name").asText());
                }
            });
            assertThat(fromSecrets).as("variables of %s from Secrets", name).containsAll(secrets);
            config.fields().forEachRemaining(v -> {
                if (v.getKey().endsWith("_TRUSTSTORE_LOCATION") || v.getKey().endsWith("_TRUSTSTORE_PATH")) {
                    assertThat(volumeAt(pod, v.getValue().asText()).at("/secret/secretName").asText())
                            .as("volume of %s (%s) in %s", v.getKey(), v.getValue().asText(), name).isNotBlank();
                }
            });
        });
        JsonNode invalidator = named("ConfigMap", "cachesync-invalidator").path("data");
        assertThat(invalidator.path("REDIS_TLS").asText()).isEqualTo("true");
        assertThat(invalidator.path("REDIS_USERNAME").asText()).as("Redis ACL user").isNotBlank();
    }

    @Test
    void containersRunAsNonRootOnAReadOnlyRootFilesystemWithEmptyDirsWhereTheyWrite() {
        for (JsonNode deployment : kinds("Deployment")) {
            JsonNode pod = deployment.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as("runAsNonRoot of %s", name(deployment)).isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as("runAsUser of %s", name(deployment)).isPositive();
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as("service account token in %s", name(deployment)).isFalse();
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("read-only root of %s", name(deployment)).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("privilege escalation in %s", name(deployment)).isFalse();
                assertThat(security.at("/capabilities/drop").toString()).as("capabilities of %s", name(deployment)).contains("\"ALL\"");
                assertThat(volumeAt(pod, "/tmp").has("emptyDir")).as("/tmp of %s", name(deployment)).isTrue();
            }
        }
        String stateDir = named("ConfigMap", "cachesync-invalidator").at("/data/INVALIDATOR_STATE_DIR").asText();
        assertThat(volumeAt(named("Deployment", "cachesync-invalidator").at("/spec/template/spec"), stateDir).has("emptyDir"))
                .as("the invalidator's state dir %s", stateDir).isTrue();
    }

    @Test
    void networkPoliciesAdmitOnlyTheCallersOfEachPort() {
        List<JsonNode> policies = kinds("NetworkPolicy");
        for (JsonNode deployment : kinds("Deployment")) {
            JsonNode labels = deployment.at("/spec/template/metadata/labels");
            List<JsonNode> selecting = policies.stream().filter(p -> selects(p.at("/spec/podSelector"), labels)).toList();
            assertThat(selecting).as("NetworkPolicies selecting %s", name(deployment)).hasSize(1);
            JsonNode policy = selecting.get(0);
            assertThat(policy.at("/spec/policyTypes").toString()).contains("\"Ingress\"");
            for (JsonNode rule : policy.at("/spec/ingress")) {
                assertThat(rule.path("from").isEmpty()).as("a rule of %s open to everyone", name(policy)).isFalse();
                assertThat(rule.path("ports").isEmpty()).as("a rule of %s open on every port", name(policy)).isFalse();
                for (JsonNode port : rule.path("ports")) {
                    for (JsonNode from : rule.path("from")) {
                        if (port.path("port").asText().equals("management")) {
                            assertThat(from.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                                    .as("who reaches the management port of %s", name(deployment)).isEqualTo(MONITORING_NAMESPACE);
                        } else {
                            assertThat(from.at("/podSelector/matchLabels").toString())
                                    .as("who reaches port %s of %s", port.path("port").asText(), name(deployment))
                                    .isEqualTo("{\"cachesync.dev/catalog-client\":\"true\"}");
                        }
                    }
                }
            }
        }
        JsonNode redis = named("NetworkPolicy", "cachesync-redis");
        assertThat(redis.at("/spec/ingress")).hasSize(1);
        JsonNode redisClients = redis.at("/spec/ingress/0/from/0/podSelector");
        assertThat(redis.at("/spec/ingress/0/from")).hasSize(1);
        assertThat(redisClients.path("matchLabels")).hasSize(1);
        assertThat(selects(redisClients, named("Deployment", "cachesync-invalidator").at("/spec/template/metadata/labels")))
                .as("the invalidator reaches Redis").isTrue();
        assertThat(selects(redisClients, named("Deployment", "cachesync-auditor").at("/spec/template/metadata/labels")))
                .as("the auditor reaches Redis").isTrue();
        assertThat(selects(redisClients, named("Deployment", "cachesync-catalog").at("/spec/template/metadata/labels")))
                .as("the catalog reaches Redis").isFalse();
    }

    @Test
    void theComposeFilesWriteNoCredentialAndLockTheServicesDown() throws IOException {
        for (String file : COMPOSE_FILES) {
            composeWritesNoCredentialAndLocksTheServicesDown(file, compose(file));
        }
    }

    private static void composeWritesNoCredentialAndLocksTheServicesDown(String file, JsonNode compose) {
        compose.path("services").fields().forEachRemaining(service -> service.getValue().path("environment").fields()
                .forEachRemaining(env -> {
                    String what = file + " " + service.getKey() + " " + env.getKey();
                    String value = env.getValue().asText();
                    if (CREDENTIAL.matcher(env.getKey()).matches() && !env.getKey().endsWith("JAAS_CONFIG")) {
                        assertThat(value).as(what).matches(REQUIRED_REFERENCE.pattern());
                    }
                    // A password inside a longer value (a JAAS configuration) is a reference too, never a literal.
                    Matcher password = Pattern.compile("(?i)(?:password|user_[a-z]+)=\"([^\"]*)\"").matcher(value);
                    while (password.find()) {
                        assertThat(password.group(1)).as("a password in %s", what).matches(REQUIRED_REFERENCE.pattern());
                    }
                }));
        for (String name : List.of("invalidator", "catalog")) {
            JsonNode service = compose.at("/services/" + name);
            assertThat(service.path("read_only").asBoolean()).as("read_only of %s", name).isTrue();
            assertThat(service.path("user").asText()).as("user of %s", name).isNotBlank().isNotEqualTo("0").isNotEqualTo("root");
            assertThat(service.path("cap_drop").toString()).as("cap_drop of %s", name).contains("\"ALL\"");
            assertThat(service.path("tmpfs").toString()).as("tmpfs of %s", name).contains("/tmp");
        }
        assertThat(compose.at("/services/catalog/environment/CATALOG_AUTH_API_KEYS").isMissingNode()).isFalse();
        String apiPort = compose.at("/services/catalog/environment/PORT").asText();
        compose.path("services").fields().forEachRemaining(service -> service.getValue().path("ports").forEach(port -> {
            if (!port.asText().equals(apiPort + ":" + apiPort)) {
                assertThat(port.asText()).as("port published by compose service %s", service.getKey()).startsWith("127.0.0.1:");
            }
        }));
        String managementPort = compose.at("/services/catalog/environment/CATALOG_MANAGEMENT_PORT").asText();
        assertThat(compose.at("/services/catalog/ports").toString()).contains("\"127.0.0.1:" + managementPort + ":" + managementPort + "\"");
    }

    @Test
    void theSecuredComposeVariantSpeaksOnlySaslSslToKafkaWithTheStandardAuthorizer() throws IOException {
        JsonNode kafka = compose(SECURED_COMPOSE).at("/services/kafka/environment");
        Map<String, String> protocols = new HashMap<>();
        for (String entry : kafka.path("KAFKA_CFG_LISTENER_SECURITY_PROTOCOL_MAP").asText().split(",")) {
            protocols.put(entry.split(":")[0], entry.split(":")[1]);
        }
        String controllers = kafka.path("KAFKA_CFG_CONTROLLER_LISTENER_NAMES").asText();
        for (String listener : kafka.path("KAFKA_CFG_LISTENERS").asText().split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            String protocol = protocols.get(name);
            if (name.equals(controllers)) {
                // KRaft's controller listener serves the broker in the same process: loopback only, still SASL.
                assertThat(listener).as("controller listener").contains("://localhost:");
                assertThat(protocol).as("controller listener protocol").isEqualTo("SASL_PLAINTEXT");
            } else {
                assertThat(protocol).as("protocol of listener %s", listener).isEqualTo("SASL_SSL");
            }
        }
        assertThat(kafka.path("KAFKA_CFG_ADVERTISED_LISTENERS").asText()).startsWith("SASL_SSL://").doesNotContain(",");
        assertThat(kafka.path("KAFKA_CFG_AUTHORIZER_CLASS_NAME").asText())
                .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(kafka.path("KAFKA_CFG_ALLOW_EVERYONE_IF_NO_ACL_FOUND").asText()).isEqualTo("false");
        assertThat(kafka.path("KAFKA_CFG_SUPER_USERS").asText()).isEqualTo("User:admin");
        assertThat(kafka.path("KAFKA_CFG_SSL_KEYSTORE_LOCATION").asText()).startsWith("/certs/");
    }

    @Test
    void theSecuredComposeVariantGrantsEachPrincipalOnlyItsAcls() throws IOException {
        List<String> grants = Files.readAllLines(ROOT.resolve("deploy/compose/kafka-init.sh")).stream()
                .map(String::strip).filter(line -> line.startsWith("allow ")).toList();
        assertThat(grants).containsExactlyInAnyOrder(
                "allow catalog-relay --operation Write --topic catalog.product-events.v1",
                "allow catalog-relay --operation Read --topic cache.invalidations.v1", // Prefer: wait-for-invalidation
                "allow invalidator --operation Read --topic catalog.product-events.v1",
                "allow invalidator --operation Read --topic cache.invalidation-commands.v1",
                "allow invalidator --operation DescribeConfigs --topic catalog.product-events.v1",
                "allow invalidator --operation DescribeConfigs --topic cache.invalidation-commands.v1",
                "allow invalidator --operation Write --topic cache.invalidations.v1",
                "allow invalidator --operation Write --topic cachesync.dead-letters.v1",
                "allow invalidator --operation Read --group \"$APPLICATION_ID\"",
                "allow invalidator --operation All --resource-pattern-type prefixed --topic \"$APPLICATION_ID-\"",
                "allow invalidator-cli --operation Write --topic cache.invalidation-commands.v1",
                "allow invalidator-cli --operation Read --topic cache.invalidations.v1");
        JsonNode compose = compose(SECURED_COMPOSE);
        // Each service logs in as its own principal, the one the grants name.
        Map<String, String> principals = Map.of("catalog", "catalog-relay", "invalidator", "invalidator",
                "invalidator-cli", "invalidator-cli");
        principals.forEach((service, principal) -> {
            JsonNode env = compose.at("/services/" + service + "/environment");
            assertThat(env.path("KAFKA_SECURITY_PROTOCOL").asText()).as("Kafka protocol of %s", service).isEqualTo("SASL_SSL");
            assertThat(env.path("KAFKA_SASL_JAAS_CONFIG").asText()).as("Kafka user of %s", service)
                    .contains("username=\"" + principal + "\"");
            assertThat(env.path("KAFKA_SSL_TRUSTSTORE_LOCATION").asText()).startsWith("/certs/public/");
        });
        String cliMain = compose.at("/services/invalidator-cli/entrypoint").get(3).asText();
        assertThatCode(() -> Class.forName(cliMain).getMethod("main", String[].class)).as("the CLI's main class")
                .doesNotThrowAnyException();
        assertThat(compose.at("/services/invalidator/environment/INVALIDATOR_CREATE_TOPICS").asText())
                .as("the invalidator has no CREATE right").isEqualTo("false");
        assertThat(compose.at("/services/kafka-init/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
        for (String service : principals.keySet()) {
            assertThat(compose.at("/services/" + service + "/depends_on/kafka-init/condition").asText())
                    .as("%s starts after the ACLs exist", service).isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void theSecuredComposeVariantRunsRedisOverTlsWithTheReadmesAclUserAndTheRegistryBehindAuth() throws IOException {
        JsonNode compose = compose(SECURED_COMPOSE);
        List<String> redis = new ArrayList<>();
        compose.at("/services/redis/command").forEach(arg -> redis.add(arg.asText()));
        assertThat(redis).containsSequence("--port", "0").contains("--tls-port", "--aclfile");
        assertThat(compose.at("/services/cert-init/environment/REDIS_ACL_RULES").asText())
                .as("the ACL rules cache-client/README.md gives").isEqualTo(RedisSettings.from(Map.of()).aclRules());
        JsonNode invalidator = compose.at("/services/invalidator/environment");
        assertThat(invalidator.path("REDIS_TLS").asText()).isEqualTo("true");
        assertThat(invalidator.path("REDIS_USERNAME").asText())
                .isEqualTo(compose.at("/services/cert-init/environment/REDIS_USERNAME").asText());
        assertThat(invalidator.path("REDIS_SSL_TRUSTSTORE_PATH").asText()).startsWith("/certs/public/");
        assertThat(Files.readString(ROOT.resolve("deploy/compose/cert-init.sh"))).contains("user default off");

        // The registry: no port of its own, on a network only the proxy shares, the proxy demanding basic auth.
        JsonNode registry = compose.at("/services/schema-registry");
        assertThat(registry.path("ports").isEmpty()).isTrue();
        String backend = registry.path("networks").get(0).asText();
        assertThat(registry.path("networks")).hasSize(1);
        assertThat(compose.at("/networks/" + backend + "/internal").asBoolean()).as("network %s internal", backend).isTrue();
        compose.path("services").fields().forEachRemaining(service -> {
            if (service.getValue().path("networks").toString().contains("\"" + backend + "\"")) {
                assertThat(service.getKey()).as("services on %s", backend).isIn("schema-registry", "registry-proxy");
            }
        });
        assertThat(Files.readString(ROOT.resolve("deploy/compose/registry-proxy.conf"))).contains("auth_basic_user_file");
        for (String service : List.of("catalog", "invalidator", "invalidator-cli")) {
            JsonNode env = compose.at("/services/" + service + "/environment");
            assertThat(env.path("SCHEMA_REGISTRY_URL").asText()).as("registry of %s", service).startsWith("http://registry-proxy:");
            assertThat(env.has("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")).as("registry credentials of %s", service).isTrue();
        }
        assertThat(compose.at("/services/catalog/environment").has("CATALOG_AUTH_DISABLED")).isFalse();
    }

    @Test
    void theSecuredComposeVariantMakesItsCertificatesAtStartAndTakesEverySecretFromDotEnv() throws IOException {
        JsonNode compose = compose(SECURED_COMPOSE);
        JsonNode certInit = compose.at("/services/cert-init");
        assertThat(certInit.path("image").asText()).as("cert-init runs keytool from a JDK image").contains("jdk");
        assertThat(Files.readString(ROOT.resolve("deploy/compose/cert-init.sh"))).contains("keytool");
        for (String service : List.of("kafka", "redis", "registry-proxy")) {
            assertThat(compose.at("/services/" + service + "/depends_on/cert-init/condition").asText())
                    .as("%s waits for its certificates", service).isEqualTo("service_completed_successfully");
        }
        // Every secret referenced is in .env.example, there without a value; .env itself is never committed.
        Set<String> referenced = new HashSet<>();
        Matcher reference = REQUIRED_REFERENCE.matcher(Files.readString(ROOT.resolve(SECURED_COMPOSE)));
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        Map<String, String> example = new HashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(example.keySet()).as("variables of .env.example").isEqualTo(referenced);
        assertThat(example.values()).as("values in .env.example").allMatch(String::isEmpty);
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
        // No key or certificate in the repository: they are made where they are used.
        try (Stream<Path> files = Files.walk(ROOT)) {
            assertThat(files.filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/")
                            && !f.toString().contains("/node_modules/"))
                    .map(f -> f.getFileName().toString())
                    .filter(f -> f.matches(".*\\.(p12|pfx|jks|key|pem|crt)")))
                    .as("keys or certificates in the working tree").isEmpty();
        }
    }

    private static JsonNode compose(String file) throws IOException {
        return YAML.readTree(ROOT.resolve(file).toFile());
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        var matches = new boolean[] {true};
        selector.path("matchLabels").fields().forEachRemaining(l -> matches[0] &= l.getValue().asText().equals(labels.path(l.getKey()).asText()));
        return matches[0];
    }

    /** The volume mounted at {@code path} in the pod's first container. */
    private static JsonNode volumeAt(JsonNode pod, String path) {
        for (JsonNode mount : pod.at("/containers/0/volumeMounts")) {
            if (path.equals(mount.path("mountPath").asText()) || path.startsWith(mount.path("mountPath").asText() + "/")) {
                for (JsonNode volume : pod.path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("name").asText())) {
                        return volume;
                    }
                }
            }
        }
        throw new AssertionError("nothing is mounted at " + path);
    }

    private static String portName(JsonNode container, int port) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("containerPort").asInt() == port) {
                return p.path("name").asText();
            }
        }
        throw new AssertionError("no container port " + port);
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
