package dev.cachesync.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachesync.catalog.outbox.OutboxWriter;
import dev.cachesync.catalog.product.ChangeType;
import dev.cachesync.catalog.product.ProductChange;
import dev.cachesync.catalog.product.ProductStore;
import dev.cachesync.catalog.testing.OutboxTable;
import dev.cachesync.catalog.testing.TestDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP API over a real Javalin server; H2 and PostgreSQL subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CatalogApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String CACHE_CONTROL = "public, max-age=5, stale-while-revalidate=7, stale-if-error=60";

    private TestDatabase db;
    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    abstract TestDatabase openDatabase();

    @BeforeAll
    void start() {
        db = openDatabase();
        ProductStore store = ProductStore.builder(db.dataSource()).changeSink(new OutboxWriter()).build();
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        CatalogApi.builder(store).cacheControl(CACHE_CONTROL).maxBodyBytes(4096).build().addTo(app);
        app.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
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

    static String newId() {
        return "p-" + IDS.incrementAndGet();
    }

    static String shoe(String category, String brand, long price) {
        return "{\"name\":\"Trail shoe\",\"priceCents\":" + price + ",\"stock\":3,\"categorySlug\":\"" + category + "\""
                + (brand == null ? "" : ",\"brandSlug\":\"" + brand + "\"") + "}";
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    HttpResponse<String> put(String id, String body, String... headers) throws Exception {
        return send("PUT", "/products/" + id, body, headers);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    List<ProductChange> outboxFor(String id) {
        return OutboxTable.changes(db.dataSource()).stream().filter(c -> c.productId().equals(id)).toList();
    }

    static List<String> tags(HttpResponse<?> response) {
        return Arrays.asList(response.headers().firstValue("Cache-Tags").orElseThrow().split(","));
    }

    // ---- operations ----

    @Test
    void putCreatesThenReplaces() throws Exception {
        String id = newId();
        HttpResponse<String> created = put(id, shoe("shoes", "acme", 4999));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/products/" + id);
        assertThat(created.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(json(created).get("version").asLong()).isEqualTo(1);
        assertThat(json(created).get("currency").asText()).isEqualTo("EUR");

        HttpResponse<String> replaced = put(id, shoe("shoes", "acme", 3999));
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(replaced.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(json(get("/products/" + id)).get("priceCents").asLong()).isEqualTo(3999);
        assertThat(outboxFor(id)).extracting(ProductChange::type).containsExactly(ChangeType.CREATED, ChangeType.UPDATED);
    }

    @Test
    void getAnswersWithCachingHeaders() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 4999));
        HttpResponse<String> response = get("/products/" + id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue(CACHE_CONTROL);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"1\"");
        Instant updatedAt = Instant.parse(json(response).get("updatedAt").asText());
        assertThat(HttpCaching.parseHttpDate(response.headers().firstValue("Last-Modified").orElseThrow()))
                .isEqualTo(updatedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(tags(response)).containsExactly("product:" + id);
        JsonNode body = json(response);
        assertThat(body.get("id").asText()).isEqualTo(id);
        assertThat(body.get("name").asText()).isEqualTo("Trail shoe");
        assertThat(body.get("stock").asInt()).isEqualTo(3);
    }

    @Test
    void conditionalGetAnswers304() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 4999));
        HttpResponse<String> first = get("/products/" + id);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();

        HttpResponse<String> byEtag = get("/products/" + id, "If-None-Match", etag);
        assertThat(byEtag.statusCode()).isEqualTo(304);
        assertThat(byEtag.body()).isEmpty();
        assertThat(byEtag.headers().firstValue("ETag")).hasValue(etag);
        assertThat(byEtag.headers().firstValue("Cache-Control")).hasValue(CACHE_CONTROL);
        assertThat(get("/products/" + id, "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
        assertThat(get("/products/" + id, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);

        put(id, shoe("shoes", "acme", 1));
        HttpResponse<String> changed = get("/products/" + id, "If-None-Match", etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).hasValue("\"2\"");
    }

    @Test
    void notModifiedAnswersToAListOfTagsAndCarriesNoContentType() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 4999));
        HttpResponse<String> notModified = get("/products/" + id, "If-None-Match", "\"7\", W/\"1\"");
        assertThat(notModified.statusCode()).isEqualTo(304);
        // A cache merges a 304's headers into its stored response: a Content-Type here would replace the JSON one.
        assertThat(notModified.headers().firstValue("Content-Type")).isEmpty();
        assertThat(tags(notModified)).containsExactly("product:" + id);
        assertThat(get("/products/" + id, "If-None-Match", "\"7\", \"8\"").statusCode()).isEqualTo(200);
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() throws Exception {
        String id = newId();
        put(id, shoe("boots", "acme", 4999));
        for (String path : List.of("/products/" + id, "/products/" + newId(), "/products?ids=" + id + ",x",
                "/categories/boots/products", "/products/Not_An_Id")) {
            HttpResponse<String> get = get(path);
            HttpResponse<String> head = send("HEAD", path, null);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
            assertThat(head.body()).as(path).isEmpty();
            for (String header : List.of("Content-Type", "Cache-Control", "ETag", "Last-Modified", "Cache-Tags")) {
                assertThat(head.headers().firstValue(header)).as(path + " " + header)
                        .isEqualTo(get.headers().firstValue(header));
            }
        }
        HttpResponse<String> conditional = send("HEAD", "/products/" + id, null, "If-None-Match", "\"1\"");
        assertThat(conditional.statusCode()).isEqualTo(304);
    }

    @Test
    void missingProductIs404TaggedSoItsCreationPurgesIt() throws Exception {
        String id = newId();
        HttpResponse<String> response = get("/products/" + id);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(tags(response)).containsExactly("product:" + id);
        assertThat(json(response).at("/errors/0/field").asText()).isEqualTo("id");
    }

    @Test
    void batchGetReturnsFoundAndMissingInRequestOrder() throws Exception {
        String a = newId();
        String b = newId();
        String missing = newId();
        put(a, shoe("shoes", "acme", 1));
        put(b, shoe("boots", null, 2));

        HttpResponse<String> response = get("/products?ids=" + b + "," + missing + "," + a);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("products").findValuesAsText("id")).containsExactly(b, a);
        assertThat(body.get("missing").get(0).asText()).isEqualTo(missing);
        assertThat(tags(response)).containsExactlyInAnyOrder("products:batch", "product:" + a, "product:" + b,
                "product:" + missing);
        String etag = response.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/products?ids=" + b + "," + missing + "," + a, "If-None-Match", etag).statusCode()).isEqualTo(304);

        send("PATCH", "/products/" + a, "{\"stock\":9}");
        assertThat(get("/products?ids=" + b + "," + missing + "," + a, "If-None-Match", etag).statusCode()).isEqualTo(200);
    }

    @Test
    void categoryListingPagesInIdOrderWithListingTags() throws Exception {
        String category = "cat-" + newId();
        String first = "a-" + newId();
        String second = "b-" + newId();
        put(second, shoe(category, "acme", 1));
        put(first, shoe(category, null, 1));
        put(newId(), shoe("elsewhere", null, 1));

        HttpResponse<String> all = get("/categories/" + category + "/products");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all).get("products").findValuesAsText("id")).containsExactly(first, second);
        assertThat(json(all).get("next").isNull()).isTrue();
        assertThat(tags(all)).containsExactlyInAnyOrder("category:" + category, "product:" + first, "product:" + second);
        assertThat(all.headers().firstValue("Cache-Control")).hasValue(CACHE_CONTROL);

        HttpResponse<String> page = get("/categories/" + category + "/products?limit=1");
        assertThat(json(page).get("products").findValuesAsText("id")).containsExactly(first);
        assertThat(json(page).get("next").asText()).isEqualTo(first);
        HttpResponse<String> next = get("/categories/" + category + "/products?limit=1&after=" + first);
        assertThat(json(next).get("products").findValuesAsText("id")).containsExactly(second);

        String etag = all.headers().firstValue("ETag").orElseThrow();
        assertThat(get("/categories/" + category + "/products", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void aListingThatLostAProductIsNotAnsweredNotModifiedByDate() throws Exception {
        String category = "cat-" + newId();
        String stays = "a-" + newId();
        String leaves = "b-" + newId();
        String deleted = "c-" + newId();
        put(stays, shoe(category, null, 1));
        put(leaves, shoe(category, null, 1));
        put(deleted, shoe(category, null, 1));
        String listing = "/categories/" + category + "/products";
        String batch = "/products?ids=" + stays + "," + deleted;
        HttpResponse<String> listed = get(listing);
        HttpResponse<String> batched = get(batch);
        // A date far enough ahead that no timing can make the test pass by accident.
        String later = HttpCaching.httpDate(Instant.now().plusSeconds(3600));

        put(leaves, shoe("elsewhere", null, 1));
        send("DELETE", "/products/" + deleted, null);

        // The newest remaining product is no newer than before: a Last-Modified from it would answer 304.
        for (String dateHeader : java.util.Arrays.asList(
                listed.headers().firstValue("Last-Modified").orElse(null), later)) {
            if (dateHeader == null) {
                continue;
            }
            HttpResponse<String> relisted = get(listing, "If-Modified-Since", dateHeader);
            assertThat(relisted.statusCode()).isEqualTo(200);
            assertThat(json(relisted).get("products").findValuesAsText("id")).containsExactly(stays);
            HttpResponse<String> rebatched = get(batch, "If-Modified-Since", dateHeader);
            assertThat(rebatched.statusCode()).isEqualTo(200);
            assertThat(json(rebatched).get("missing").get(0).asText()).isEqualTo(deleted);
            assertThat(json(rebatched).get("products").findValuesAsText("id")).containsExactly(stays);
        }
        assertThat(listed.headers().firstValue("Last-Modified")).isEmpty();
        assertThat(batched.headers().firstValue("Last-Modified")).isEmpty();
        assertThat(get(listing, "If-None-Match", listed.headers().firstValue("ETag").orElseThrow()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void patchChangesGivenFieldsAndNullClearsOptionalOnes() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 100));
        HttpResponse<String> patched = send("PATCH", "/products/" + id, "{\"priceCents\":80,\"stock\":0,\"brandSlug\":null}");

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.headers().firstValue("ETag")).hasValue("\"2\"");
        JsonNode p = json(get("/products/" + id));
        assertThat(p.get("priceCents").asLong()).isEqualTo(80);
        assertThat(p.get("stock").asInt()).isZero();
        assertThat(p.get("brandSlug").isNull()).isTrue();
        assertThat(p.get("name").asText()).isEqualTo("Trail shoe");
        ProductChange change = outboxFor(id).get(1);
        assertThat(change.tags()).containsExactlyInAnyOrder("product:" + id, "category:shoes", "brand:acme");
    }

    @Test
    void deleteRemovesTheProduct() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 100));

        assertThat(send("DELETE", "/products/" + id, null).statusCode()).isEqualTo(204);
        assertThat(get("/products/" + id).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/products/" + id, null).statusCode()).isEqualTo(404);
        assertThat(send("PATCH", "/products/" + id, "{\"stock\":1}").statusCode()).isEqualTo(404);
        assertThat(outboxFor(id)).extracting(ProductChange::type).containsExactly(ChangeType.CREATED, ChangeType.DELETED);
    }

    @Test
    void ifMatchGivesOptimisticConcurrency() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 100));

        HttpResponse<String> stale = put(id, shoe("shoes", "acme", 200), "If-Match", "\"7\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(json(stale).at("/errors/0/field").asText()).isEqualTo("If-Match");
        assertThat(send("PATCH", "/products/" + id, "{\"stock\":1}", "If-Match", "\"2\"").statusCode()).isEqualTo(412);
        assertThat(send("DELETE", "/products/" + id, null, "If-Match", "\"2\"").statusCode()).isEqualTo(412);
        assertThat(put(id, shoe("shoes", "acme", 200), "If-None-Match", "*").statusCode()).isEqualTo(412);
        assertThat(outboxFor(id)).hasSize(1);
        assertThat(json(get("/products/" + id)).get("priceCents").asLong()).isEqualTo(100);

        assertThat(put(id, shoe("shoes", "acme", 200), "If-Match", "\"1\"").statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/products/" + id, null, "If-Match", "\"2\"").statusCode()).isEqualTo(204);
        assertThat(put(newId(), shoe("shoes", "acme", 1), "If-Match", "*").statusCode()).isEqualTo(412);
    }

    // ---- bad input: 4xx naming the field, nothing written ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing name         | {"priceCents":1,"categorySlug":"shoes"}                                  | name
            blank name           | {"name":"  ","priceCents":1,"categorySlug":"shoes"}                      | name
            name not a string    | {"name":7,"priceCents":1,"categorySlug":"shoes"}                         | name
            negative price       | {"name":"x","priceCents":-1,"categorySlug":"shoes"}                      | priceCents
            fractional price     | {"name":"x","priceCents":1.5,"categorySlug":"shoes"}                     | priceCents
            price as text        | {"name":"x","priceCents":"12","categorySlug":"shoes"}                    | priceCents
            missing price        | {"name":"x","categorySlug":"shoes"}                                      | priceCents
            price above 2^53 - 2 | {"name":"x","priceCents":9007199254740991,"categorySlug":"shoes"}        | priceCents
            largest long price   | {"name":"x","priceCents":9223372036854775807,"categorySlug":"shoes"}     | priceCents
            price beyond long    | {"name":"x","priceCents":9223372036854775808,"categorySlug":"shoes"}     | priceCents
            negative stock       | {"name":"x","priceCents":1,"stock":-2,"categorySlug":"shoes"}            | stock
            bad currency         | {"name":"x","priceCents":1,"currency":"euro","categorySlug":"shoes"}     | currency
            bad category slug    | {"name":"x","priceCents":1,"categorySlug":"Shoes!"}                      | categorySlug
            missing category     | {"name":"x","priceCents":1}                                              | categorySlug
            bad brand slug       | {"name":"x","priceCents":1,"categorySlug":"shoes","brandSlug":"-acme"}   | brandSlug
            unknown field        | {"name":"x","priceCents":1,"categorySlug":"shoes","colour":"red"}        | colour
            id differs from path | {"id":"other","name":"x","priceCents":1,"categorySlug":"shoes"}          | id
            malformed JSON       | {"name":"x",                                                             | body
            not an object        | [1,2]                                                                    | body
            duplicate field      | {"name":"x","name":"y","priceCents":1,"categorySlug":"shoes"}            | body
            NUL in name          | {"name":"x\\u0000y","priceCents":1,"categorySlug":"shoes"}              | name
            NUL in description   | {"name":"x","description":"a\\u0000","priceCents":1,"categorySlug":"shoes"} | description
            control char in name | {"name":"x\\u0007","priceCents":1,"categorySlug":"shoes"}                | name
            lone surrogate       | {"name":"x\\ud800","priceCents":1,"categorySlug":"shoes"}                | name
            two JSON values      | {"name":"x","priceCents":1,"categorySlug":"shoes"} {"stock":5}           | body
            trailing garbage     | {"name":"x","priceCents":1,"categorySlug":"shoes"}]                      | body
            """)
    void badPutIsRejectedNamingTheField(String reason, String body, String field) throws Exception {
        String id = newId();
        HttpResponse<String> response = put(id, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ApiErrors.PROBLEM_JSON);
        assertThat(error.get("errors").findValuesAsText("field")).contains(field);
        assertThat(error.get("detail").asText()).contains(field);
        assertThat(get("/products/" + id).statusCode()).isEqualTo(404);
        assertThat(outboxFor(id)).isEmpty();
    }

    @Test
    void aDescriptionMayHaveLineBreaksTabsAndAstralCharacters() throws Exception {
        String id = newId();
        HttpResponse<String> created = put(id,
                "{\"name\":\"Boot \\ud83e\\udd7e\",\"description\":\"warm\\n\\tdry\",\"priceCents\":1,\"categorySlug\":\"shoes\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(get("/products/" + id)).get("description").asText()).isEqualTo("warm\n\tdry");
        assertThat(json(get("/products/" + id)).get("name").asText()).isEqualTo("Boot \ud83e\udd7e");
    }

    @Test
    void moneyUpTo2To53Minus2IsAccepted() throws Exception {
        String id = newId();
        HttpResponse<String> created = put(id, shoe("shoes", null, 9007199254740990L));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(get("/products/" + id)).get("priceCents").asLong()).isEqualTo(9007199254740990L);
        HttpResponse<String> tooMuch = put(id, shoe("shoes", null, 9007199254740991L));
        assertThat(json(tooMuch).get("detail").asText()).contains("at most 9007199254740990");
    }

    @Test
    void lengthsCountCodePointsAsTheMessageSays() throws Exception {
        String emoji = "\ud83e\udd7e"; // one character, two UTF-16 units
        String id = newId();
        HttpResponse<String> accepted = put(id, "{\"name\":\"" + emoji.repeat(200)
                + "\",\"priceCents\":1,\"categorySlug\":\"shoes\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        assertThat(json(get("/products/" + id)).get("name").asText().codePointCount(0, 400)).isEqualTo(200);

        HttpResponse<String> refused = put(newId(), "{\"name\":\"" + emoji.repeat(201)
                + "\",\"priceCents\":1,\"categorySlug\":\"shoes\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).at("/errors/0/message").asText())
                .isEqualTo("must be at most 200 characters (Unicode code points), was 201");
    }

    @Test
    void everyBadFieldIsNamedAtOnce() throws Exception {
        HttpResponse<String> response = put(newId(), "{\"priceCents\":-5,\"categorySlug\":\"BAD\",\"x\":1}");
        assertThat(json(response).get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("x", "name", "priceCents", "categorySlug");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            negative price    | {"priceCents":-1}       | priceCents
            null name         | {"name":null}           | name
            null category     | {"categorySlug":null}   | categorySlug
            unknown field     | {"colour":"red"}        | colour
            bad brand         | {"brandSlug":"A B"}     | brandSlug
            stock overflow    | {"stock":3000000000}    | stock
            price above 2^53 - 2 | {"priceCents":9007199254740991} | priceCents
            malformed JSON    | {"stock":               | body
            """)
    void badPatchIsRejectedNamingTheField(String reason, String body, String field) throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 100));
        HttpResponse<String> response = send("PATCH", "/products/" + id, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("errors").findValuesAsText("field")).contains(field);
        assertThat(json(get("/products/" + id)).get("version").asLong()).isEqualTo(1);
        assertThat(outboxFor(id)).hasSize(1);
    }

    @Test
    void badIdsAndSlugsInTheUrlAreRejected() throws Exception {
        assertThat(json(get("/products/Bad%20Id")).at("/errors/0/field").asText()).isEqualTo("id");
        assertThat(get("/products/Bad%20Id").statusCode()).isEqualTo(400);
        HttpResponse<String> badPut = put("UPPER", shoe("shoes", null, 1));
        assertThat(badPut.statusCode()).isEqualTo(400);
        assertThat(json(badPut).at("/errors/0/field").asText()).isEqualTo("id");
        assertThat(get("/products/" + "x".repeat(65)).statusCode()).isEqualTo(400);
        assertThat(json(get("/categories/NOPE!/products")).at("/errors/0/field").asText()).isEqualTo("slug");
        assertThat(json(get("/categories/shoes/products?limit=0")).at("/errors/0/field").asText()).isEqualTo("limit");
        assertThat(json(get("/categories/shoes/products?after=%2F")).at("/errors/0/field").asText()).isEqualTo("after");
        assertThat(json(get("/products?ids=a,B")).at("/errors/0/field").asText()).isEqualTo("ids");
        assertThat(json(get("/products")).at("/errors/0/field").asText()).isEqualTo("ids");
        String tooMany = String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "id" + i).toList());
        HttpResponse<String> batch = get("/products?ids=" + tooMany);
        assertThat(batch.statusCode()).isEqualTo(400);
        assertThat(json(batch).at("/errors/0/field").asText()).isEqualTo("ids");
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        String id = newId();
        String body = "{\"name\":\"" + "x".repeat(5000) + "\",\"priceCents\":1,\"categorySlug\":\"shoes\"}";
        HttpResponse<String> response = put(id, body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).at("/errors/0/field").asText()).isEqualTo("body");
        assertThat(outboxFor(id)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "text/plain", "text/json", "application/jsonp", "application/x-www-form-urlencoded", "json"})
    void nonJsonContentTypeIs415(String contentType) throws Exception {
        String id = newId();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/products/" + id))
                .PUT(HttpRequest.BodyPublishers.ofString(shoe("shoes", null, 1)))
                .header("Content-Type", contentType).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).at("/errors/0/field").asText()).isEqualTo("Content-Type");
        assertThat(outboxFor(id)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "application/json", "Application/JSON; charset=utf-8", "application/merge-patch+json"})
    void jsonContentTypesAreAccepted(String contentType) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/products/" + newId()))
                .PUT(HttpRequest.BodyPublishers.ofString(shoe("shoes", null, 1)))
                .header("Content-Type", contentType).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    @Test
    void anUnchangedPutOrEmptyPatchSendsNoEvent() throws Exception {
        String id = newId();
        put(id, shoe("shoes", "acme", 100));

        assertThat(put(id, shoe("shoes", "acme", 100)).statusCode()).isEqualTo(200);
        assertThat(send("PATCH", "/products/" + id, "{}").statusCode()).isEqualTo(200);
        assertThat(outboxFor(id)).hasSize(1);
        assertThat(json(get("/products/" + id)).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void traceparentIsCarriedIntoTheEvent() throws Exception {
        String id = newId();
        put(id, shoe("shoes", null, 1), "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(outboxFor(id).get(0).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
