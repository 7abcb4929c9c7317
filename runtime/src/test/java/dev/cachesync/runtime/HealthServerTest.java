package dev.cachesync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The probe and metrics server as Kubernetes and Prometheus (and a curious client) use it. */
class HealthServerTest {
    private static final String METRICS = "# TYPE up gauge\nup 1\n";
    private volatile HealthServer.Status readiness = new HealthServer.Status(true, "running");
    private final HealthServer server = new HealthServer("test", "TEST_HTTP_PORT", 0,
            () -> new HealthServer.Status(true, "alive"), () -> readiness, () -> METRICS);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/live", "/health/ready", "/metrics", "/health/ready?verbose=1"})
    void theThreePathsAnswerGet(String path) throws Exception {
        assertThat(send("GET", path).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreTheServicesPrometheusText() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertThat(response.body()).isEqualTo(METRICS);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void aPortInUseFailsNamingItsVariable() {
        assertThatThrownBy(() -> new HealthServer("other", "OTHER_HTTP_PORT", server.port(),
                () -> readiness, () -> readiness, () -> METRICS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("OTHER_HTTP_PORT")
                .hasMessageContaining(Integer.toString(server.port()));
    }

    @Test
    void readinessDownIs503WithTheReason() throws Exception {
        readiness = new HealthServer.Status(false, "Kafka Streams is \"REBALANCING\"");
        HttpResponse<String> response = send("GET", "/health/ready");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("DOWN", "REBALANCING");
        assertThat(send("HEAD", "/health/ready").statusCode()).isEqualTo(503);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health/livex", "/health/readyz", "/metricsfoo", "/health/live/", "/health", "/", "/x"})
    void onlyExactPathsAnswer(String path) throws Exception {
        HttpResponse<String> response = send("GET", path);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/health/live", "/health/ready", "/metrics");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    void onlyGetAndHeadAreAllowed(String method) throws Exception {
        HttpResponse<String> response = send(method, "/health/ready");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void headAnswersWithoutABodyAndWithoutAJdkWarning() throws Exception {
        Logger jdkHttpServer = Logger.getLogger("com.sun.net.httpserver");
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        jdkHttpServer.addHandler(capture);
        try {
            for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
                HttpResponse<String> response = send("HEAD", path);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEmpty();
                assertThat(response.headers().firstValue("Content-Type")).isPresent();
            }
        } finally {
            jdkHttpServer.removeHandler(capture);
        }
        assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
    }
}
