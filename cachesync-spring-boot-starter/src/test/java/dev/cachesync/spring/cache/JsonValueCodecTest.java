package dev.cachesync.spring.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;

/** Method results come back from Redis as the classes they were, and only classes of trusted packages. */
class JsonValueCodecTest {

    record Line(String productId, long cents, Instant at, List<String> tags) {
    }

    final JsonValueCodec codec = new JsonValueCodec(List.of("dev.cachesync.spring"));

    Object roundTrip(Object value) throws IOException {
        return codec.decode(codec.encode(value));
    }

    @Test
    void valuesComeBackAsTheirClasses() throws IOException {
        Line line = new Line("p-1", 4200L, Instant.parse("2026-01-02T03:04:05Z"), List.of("a", "b"));

        assertThat(roundTrip(line)).isEqualTo(line);
        assertThat(roundTrip(List.of(line, line))).isEqualTo(List.of(line, line));
        assertThat(roundTrip(Map.of("k", line))).isEqualTo(Map.of("k", line));
        assertThat(roundTrip(42L)).isEqualTo(42L);
        assertThat(roundTrip("text")).isEqualTo("text");
        assertThat((int[]) roundTrip(new int[] {1, 2})).containsExactly(1, 2);
        assertThat(roundTrip(NullValue.INSTANCE)).isSameAs(NullValue.INSTANCE);
    }

    @Test
    void aClassOutsideTheTrustedPackagesIsNeverInstantiated() {
        byte[] planted = "{\"@class\":\"org.springframework.cache.support.SimpleValueWrapper\",\"value\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(planted)).isInstanceOf(IOException.class)
                .hasMessageContaining("SimpleValueWrapper");
        assertThat(JsonValueCodec.isTrusted(Line[].class, List.of("dev.cachesync.spring."))).isTrue();
        assertThat(JsonValueCodec.isTrusted(org.springframework.cache.support.SimpleValueWrapper[][].class, List.of("dev.cachesync.spring."))).isFalse();
    }
}
