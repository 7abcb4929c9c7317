package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.testing.OutboxTable;
import dev.cachesync.catalog.testing.RawHttp;
import dev.cachesync.catalog.testing.TestDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests an HTTP library would not send, sent over a raw socket (issue 13's fuzz cases): every one gets a 4xx
 * RFC 9457 problem ({@code application/problem+json}) naming what is wrong, never a 500, an HTML page or a
 * silently ignored parameter, and nothing is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase db;
    private Javalin app;
    private int port;

    @BeforeAll
    void start() {
        db = TestDatabase.h2();
        ProductStore store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).build();
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        CatalogApi.builder(store).build().addTo(app);
        app.start("127.0.0.1", 0);
        port = app.port();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    private static JsonNode problem(RawHttp.Response response, int status) throws IOException {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.toString()).startsWith(ApiErrors.PROBLEM_JSON);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("type").asText()).isEqualTo("about:blank");
        return body;
    }

    private static String firstField(JsonNode problem) {
        return problem.at("/errors/0/field").asText();
    }

    private RawHttp.Response write(String method, String target) throws IOException {
        String body = "{\"name\":\"x\",\"priceCents\":1,\"categorySlug\":\"shoes\"}";
        return RawHttp.send(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    // ---- percent-escapes ----

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /products/%u002e
            PUT    | /products/%u002e
            PATCH  | /products/%u002e
            DELETE | /products/%u002e
            GET    | /categories/%u0041/products
            GET    | /products/%ff
            GET    | /health/%u0041
            """)
    void aMalformedPathEscapeIs400NamingThePath(String method, String target) throws Exception {
        RawHttp.Response response = method.equals("GET") ? RawHttp.request(port, method, target) : write(method, target);

        JsonNode problem = problem(response, 400);
        assertThat(firstField(problem)).as(response.body()).isEqualTo("path");
        assertThat(problem.get("detail").asText()).contains("path");
        assertThat(OutboxTable.changes(db.dataSource())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/products/%zz", "/products/abc%", "/products/abc%4", "/categories/%g1/products"})
    void anEscapeJettyCannotDecodeIs400Problem(String target) throws Exception {
        // Jetty refuses these before Javalin sees them, without saying why; the problem says what was checked.
        JsonNode problem = problem(RawHttp.request(port, "GET", target), 400);
        assertThat(firstField(problem)).isEqualTo("request");
        assertThat(problem.get("detail").asText()).contains("percent-escape");
    }

    @Test
    void headWithAMalformedPathEscapeIs400WithoutABody() throws Exception {
        RawHttp.Response response = RawHttp.request(port, "HEAD", "/products/%u002e");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith(ApiErrors.PROBLEM_JSON);
        assertThat(response.body()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /categories/shoes/products?limit=1&after=%zz | after
            /categories/shoes/products?limit=%zz         | limit
            /categories/shoes/products?after=%u0041      | after
            /products?ids=prod-001,%zz                   | ids
            /products?ids=prod-001&ids=%e2%82            | ids
            /products?%zz=1&ids=prod-001                 | query
            """)
    void aMalformedQueryEscapeIs400NamingTheParameter(String target, String field) throws Exception {
        JsonNode problem = problem(RawHttp.request(port, "GET", target), 400);

        assertThat(firstField(problem)).isEqualTo(field);
        assertThat(problem.get("detail").asText()).contains("percent-escape");
    }

    @Test
    void wellFormedEscapesStillWork() throws Exception {
        assertThat(RawHttp.request(port, "GET", "/categories/sho%65s/products?limit=%31").status()).isEqualTo(200);
        assertThat(RawHttp.request(port, "GET", "/products?ids=a%2Cb").status()).isEqualTo(200);
    }

    // ---- routes and methods ----

    @Test
    void anUnknownRouteIs404Problem() throws Exception {
        JsonNode problem = problem(RawHttp.request(port, "GET", "/nowhere"), 404);
        assertThat(firstField(problem)).isEqualTo("path");
        assertThat(problem.get("detail").asText()).contains("/nowhere");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "OPTIONS", "TRACE", "PROPFIND"})
    void aWrongMethodIs405ProblemWithAllow(String method) throws Exception {
        RawHttp.Response response = RawHttp.request(port, method, "/products/p-1");

        JsonNode problem = problem(response, 405);
        assertThat(firstField(problem)).isEqualTo("method");
        assertThat(response.header("Allow")).contains("GET", "HEAD", "PUT", "PATCH", "DELETE");
        assertThat(response.header("Allow")).doesNotContain("POST");
    }

    // ---- what Jetty refuses before the API sees it ----

    @Test
    void aBrokenHeaderLineIs400Problem() throws Exception {
        RawHttp.Response response = RawHttp.send(port, "GET /products/p-1 HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
        assertThat(firstField(problem(response, 400))).isEqualTo("request");
    }

    @Test
    void aGarbledRequestLineIs400Problem() throws Exception {
        RawHttp.Response response = RawHttp.send(port, "GET /products/p 1 2 HTTP/1.1\r\nHost: x\r\n\r\n");
        problem(response, 400);
    }

    @Test
    void anUnknownExpectationIs417Problem() throws Exception {
        RawHttp.Response response = RawHttp.request(port, "GET", "/products/p-1", "Expect: the-unexpected");
        assertThat(firstField(problem(response, 417))).isEqualTo("Expect");
    }

    @Test
    void oversizedHeadersAre431Problem() throws Exception {
        RawHttp.Response response = RawHttp.request(port, "GET", "/products/p-1", "X-Big: " + "a".repeat(20_000));
        assertThat(firstField(problem(response, 431))).isEqualTo("headers");
    }

    @Test
    void anAmbiguousPathIs400Problem() throws Exception {
        problem(RawHttp.request(port, "GET", "/products/..%2F..%2Fetc"), 400);
    }
}
