package dev.cachesync.schemas.registry;

import dev.cachesync.events.InvalidationCommand;
import dev.cachesync.events.ProductEvent;
import dev.cachesync.schemas.testing.SampleEvents;
import dev.cachesync.schemas.testing.StubRegistry;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The registry client against an in-memory Confluent-API stub: protocol, caching and every error case. */
class SchemaRegistryClientTest {

    private final StubRegistry stub = StubRegistry.start();
    private final SchemaRegistryClient client = SchemaRegistryClient.create(stub.url());

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void registersASchemaAndFindsItsIdAgain() {
        int id = client.register("orders-value", ProductEvent.getClassSchema());

        assertThat(id).isPositive();
        assertThat(client.register("orders-value", ProductEvent.getClassSchema())).isEqualTo(id);
        // A fresh client (another process) finds the id by lookup without registering.
        SchemaRegistryClient other = SchemaRegistryClient.create(stub.url() + "/");
        assertThat(other.lookupId("orders-value", ProductEvent.getClassSchema())).isEqualTo(id);
        assertThat(stub.requests("POST /subjects/orders-value/versions")).isEqualTo(1);
        assertThat(stub.versions("orders-value")).containsExactly(id);
    }

    @Test
    void fetchesASchemaById() {
        int id = client.register("commands-value", InvalidationCommand.getClassSchema());

        Schema fetched = SchemaRegistryClient.create(stub.url()).getSchemaById(id);

        // As registered: without the Java code generator's avro.java.string properties.
        assertThat(fetched).isEqualTo(PortableSchemas.of(InvalidationCommand.getClassSchema()));
        assertThat(fetched.toString()).doesNotContain("avro.java");
    }

    @Test
    void fetchesEachIdOnceEvenWhenManyThreadsAskAtOnce() throws Exception {
        int id = SchemaRegistryClient.create(stub.url()).register("events-value", ProductEvent.getClassSchema());
        stub.holdBack("GET /schemas/ids/"); // widen the race: the first fetch is answered only when all wait
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        List<Future<Schema>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    synchronized (workers) {
                        workers.add(Thread.currentThread());
                    }
                    start.await();
                    started.countDown();
                    return client.getSchemaById(id);
                }));
            }
            await().until(() -> workers.size() == threads);
            start.countDown();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // Every thread is now parked either in the one HTTP call or waiting for its result.
            await().until(() -> stub.requests("GET /schemas/ids/" + id) >= 1
                    && workers.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING));
            stub.release();
            for (Future<Schema> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(PortableSchemas.of(ProductEvent.getClassSchema()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.getSchemaById(id)).isEqualTo(PortableSchemas.of(ProductEvent.getClassSchema()));
        assertThat(stub.requests("GET /schemas/ids/" + id)).isEqualTo(1);
    }

    @Test
    void knowsTheSchemaOfAnIdItRegisteredWithoutFetchingIt() {
        int id = client.register("events-value", ProductEvent.getClassSchema());

        assertThat(client.getSchemaById(id)).isEqualTo(PortableSchemas.of(ProductEvent.getClassSchema()));
        assertThat(stub.requests("GET /schemas/ids/" + id)).isZero();
    }

    @Test
    void unknownIdIsAClearErrorAndIsNotCached() {
        assertThatThrownBy(() -> client.getSchemaById(4242))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("Schema id 4242 is unknown")
                .hasMessageContaining(stub.url())
                .satisfies(e -> assertThat(((UnknownSchemaException) e).registryErrorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.getSchemaById(4242)).isInstanceOf(UnknownSchemaException.class);
        assertThat(stub.requests("GET /schemas/ids/4242")).isEqualTo(2);
    }

    @Test
    void lookingUpASchemaThatIsNotRegisteredSaysSo() {
        client.register("events-value", ProductEvent.getClassSchema());

        assertThatThrownBy(() -> client.lookupId("events-value", InvalidationCommand.getClassSchema()))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("dev.cachesync.events.InvalidationCommand is not registered under subject"
                        + " 'events-value'");
        assertThatThrownBy(() -> client.lookupId("nobody-value", ProductEvent.getClassSchema()))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("'nobody-value'");
    }

    @Test
    void incompatibleSchemaCarriesTheRegistrysMessage() {
        client.register("events-value", ProductEvent.getClassSchema());
        // Drops productId: BACKWARD means new readers must read old data, and a required field cannot be added.
        Schema incompatible = SchemaBuilder.record("ProductEvent").namespace("dev.cachesync.events").fields()
                .requiredString("eventId").requiredInt("shard").endRecord();

        assertThatThrownBy(() -> client.register("events-value", incompatible))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("'events-value'")
                .hasMessageContaining("incompatible with an earlier schema")
                .satisfies(e -> {
                    IncompatibleSchemaException refused = (IncompatibleSchemaException) e;
                    assertThat(refused.subject()).isEqualTo("events-value");
                    assertThat(refused.registryMessage()).contains("shard");
                });
        assertThat(client.testCompatibility("events-value", incompatible)).isFalse();
        assertThat(client.testCompatibility("events-value", SampleEvents.historicSchema("ProductEvent", 2)))
                .isTrue();
        assertThat(client.testCompatibility("new-subject-value", incompatible)).isTrue();
    }

    @Test
    void aConflictBecauseAnotherClientJustRegisteredTheSameSchemaReturnsItsId() {
        int id = SchemaRegistryClient.create(stub.url()).register("events-value", ProductEvent.getClassSchema());
        // Apicurio's answer to the loser of two concurrent registrations of one new schema
        stub.fail("POST /subjects/events-value/versions", 409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 'events-value' already exists.\"}");

        assertThat(client.register("events-value", ProductEvent.getClassSchema())).isEqualTo(id);
    }

    @Test
    void otherHttpErrorsCarryStatusAndBody() {
        stub.fail("POST /subjects/", 500, "{\"error_code\":50001,\"message\":\"Error in the backend datastore\"}");

        assertThatThrownBy(() -> client.register("events-value", ProductEvent.getClassSchema()))
                .isInstanceOf(RegistryHttpException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("Error in the backend datastore")
                .satisfies(e -> {
                    assertThat(((RegistryHttpException) e).status()).isEqualTo(500);
                    assertThat(((RegistryHttpException) e).body()).contains("50001");
                });
    }

    @Test
    void unreachableRegistrySaysWhichUrl() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        SchemaRegistryClient nowhere = SchemaRegistryClient.create(url);

        assertThatThrownBy(() -> nowhere.getSchemaById(1))
                .isInstanceOf(RegistryUnreachableException.class)
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("Schema registry at " + url + "/schemas/ids/1 is unreachable")
                .satisfies(e -> assertThat(((RegistryUnreachableException) e).url()).startsWith(url));
    }

    @Test
    void registryThatNeverAnswersTimesOut() {
        stub.goSilent();
        SchemaRegistryClient impatient = SchemaRegistryClient.builder(stub.url())
                .requestTimeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> impatient.getSchemaById(1))
                .isInstanceOf(RegistryUnreachableException.class)
                .hasMessageContaining(stub.url())
                .hasMessageContaining("no answer within PT0.3S");
    }

    @Test
    void readsAndSetsCompatibilityGloballyAndPerSubject() {
        assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.getCompatibility("events-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        client.setCompatibility("events-value", CompatibilityLevel.FULL_TRANSITIVE);
        client.setCompatibility(CompatibilityLevel.NONE);

        assertThat(stub.subjectLevel("events-value")).isEqualTo("FULL_TRANSITIVE");
        assertThat(stub.globalLevel()).isEqualTo("NONE");
        assertThat(client.getCompatibility("events-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(client.getCompatibility("other-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.getCompatibility()).isEqualTo(CompatibilityLevel.NONE);
    }

    @Test
    void subjectsAreUrlEncoded() {
        int id = client.register("odd subject/with slash-value", ProductEvent.getClassSchema());

        assertThat(stub.versions("odd subject/with slash-value")).containsExactly(id);
    }

    @Test
    void badUrlsAreRefusedUpFront() {
        assertThatThrownBy(() -> SchemaRegistryClient.create("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost:8081");
    }
}
