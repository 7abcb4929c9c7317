package dev.cachesync.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stub answers the Confluent API calls cachesync's registry client makes, as a Confluent registry would. */
class InMemorySchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    /** V1 with a field removed and a field of another type: BACKWARD-incompatible, accepted all the same. */
    private static final String INCOMPATIBLE = "{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aSchemaHasOneIdUnderEverySubjectAndIsFoundByIdAndBySubject() throws Exception {
        int id = call("POST", "/subjects/things-value/versions", schemaBody(V1)).get("id").asInt();
        // The same schema, spaced differently, under another subject: the same global id.
        String spaced = V1.replace(",", ", ").replace(":", ": ");
        assertThat(call("POST", "/subjects/other-value/versions", schemaBody(spaced)).get("id").asInt()).isEqualTo(id);
        assertThat(call("POST", "/subjects/things-value/versions", schemaBody(V1)).get("id").asInt()).isEqualTo(id);

        assertThat(JSON.readTree(call("GET", "/schemas/ids/" + id, null).get("schema").asText()))
                .isEqualTo(JSON.readTree(V1));
        JsonNode found = call("POST", "/subjects/things-value", schemaBody(V1));
        assertThat(found.get("id").asInt()).isEqualTo(id);
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(registry.versions("things-value")).containsExactly(id);
    }

    @Test
    void unknownIdsAndSubjectsAreConfluent404s() throws Exception {
        HttpResponse<String> unknownId = send("GET", "/schemas/ids/999999", null);
        assertThat(unknownId.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownId.body()).get("error_code").asInt()).isEqualTo(40403);

        HttpResponse<String> unknownSubject = send("POST", "/subjects/nobody-value", schemaBody(V1));
        assertThat(unknownSubject.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownSubject.body()).get("error_code").asInt()).isEqualTo(40401);

        call("POST", "/subjects/things-value/versions", schemaBody(V1));
        HttpResponse<String> notUnderSubject = send("POST", "/subjects/things-value", schemaBody(INCOMPATIBLE));
        assertThat(notUnderSubject.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(notUnderSubject.body()).get("error_code").asInt()).isEqualTo(40403);
    }

    @Test
    void itChecksNoCompatibility() throws Exception {
        call("PUT", "/config/things-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        int first = call("POST", "/subjects/things-value/versions", schemaBody(V1)).get("id").asInt();
        int second = call("POST", "/subjects/things-value/versions", schemaBody(INCOMPATIBLE)).get("id").asInt();

        assertThat(registry.versions("things-value")).containsExactly(first, second);
        JsonNode latest = call("GET", "/subjects/things-value/versions/latest", null);
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(second);
        // Rather than a verdict it cannot give, the compatibility test refuses.
        assertThat(send("POST", "/compatibility/subjects/things-value/versions/latest", schemaBody(V1)).statusCode())
                .isEqualTo(501);
    }

    @Test
    void compatibilityLevelsAreStoredAndASubjectWithoutItsOwnHasTheGlobalOne() throws Exception {
        assertThat(call("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        call("PUT", "/config", "{\"compatibility\":\"FULL\"}");
        call("PUT", "/config/things-value", "{\"compatibility\":\"NONE\"}");

        assertThat(call("GET", "/config", null).get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(call("GET", "/config/things-value?defaultToGlobal=true", null).get("compatibilityLevel").asText())
                .isEqualTo("NONE");
        assertThat(call("GET", "/config/other-value?defaultToGlobal=true", null).get("compatibilityLevel").asText())
                .isEqualTo("FULL");
    }

    @Test
    void scriptedAnswersGoOnceEachInOrderToTheMatchingRequestsOnly() throws Exception {
        int id = call("POST", "/subjects/things-value/versions", schemaBody(V1)).get("id").asInt();
        registry.answerNext("GET /schemas/ids/", 503, "{\"error_code\":50301,\"message\":\"unavailable\"}")
                .answerNext("GET /schemas/ids/", 200, "<html>proxy login</html>");

        assertThat(send("POST", "/subjects/things-value", schemaBody(V1)).statusCode()).as("not matching").isEqualTo(200);
        assertThat(send("GET", "/schemas/ids/" + id, null).statusCode()).isEqualTo(503);
        assertThat(send("GET", "/schemas/ids/" + id, null).body()).isEqualTo("<html>proxy login</html>");
        assertThat(call("GET", "/schemas/ids/" + id, null).has("schema")).isTrue();
        assertThat(registry.scriptedAnswers()).isEqualTo(2);
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    /** A request that must succeed; its JSON answer. */
    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
