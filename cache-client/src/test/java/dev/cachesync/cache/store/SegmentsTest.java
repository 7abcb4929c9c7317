package dev.cachesync.cache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.redisson.connection.CRC16;

/** The segmented layout's pure logic: slots, hash tags spread over the slot space, key to segment. */
class SegmentsTest {

    @Test
    void standaloneIsTheLayoutOfBeforeByteForByte() {
        Segments standalone = Segments.standalone("catalog-cache:");
        assertThat(standalone.clustered()).isFalse();
        assertThat(standalone.all()).hasSize(1);
        KeyLayout only = standalone.of("http://catalog/products/1");
        assertThat(only.entries()).isEqualTo("catalog-cache:entries");
        assertThat(only.fences()).isEqualTo("catalog-cache:fences");
        assertThat(only.tagSet("product:1")).isEqualTo("catalog-cache:tag:product:1");
        assertThat(only.fillLock("k")).isEqualTo("catalog-cache:lock:k");
        assertThat(standalone.invalidationTopic()).isEqualTo("{catalog-cache:entries}:topic");
    }

    @Test
    void slotIsRedisClusterCrc16OfTheHashTag() {
        for (String key : new String[] {"foo", "user:1000", "{catalog-cache:s7}:entries", "a{b}c", "{}x", "x{}"}) {
            String hashed = key;
            int open = key.indexOf('{');
            int close = open < 0 ? -1 : key.indexOf('}', open + 1);
            if (open >= 0 && close > open + 1) {
                hashed = key.substring(open + 1, close);
            }
            assertThat(Segments.slot(key)).as(key)
                    .isEqualTo(CRC16.crc16(hashed.getBytes(StandardCharsets.UTF_8)) % Segments.SLOTS);
        }
        assertThat(Segments.slot("123456789")).as("the CRC16-XMODEM check value 0x31C3").isEqualTo(0x31C3 % 16384);
    }

    @Test
    void everyKeyOfASegmentSharesItsSlotAndSegmentsSpreadEvenlyOverThreeEqualSlotRanges() {
        Segments segments = Segments.cluster("catalog-cache:", Segments.DEFAULT_CLUSTER_SEGMENTS);
        Map<Integer, Integer> perThird = new HashMap<>();
        Set<Integer> slots = new HashSet<>();
        for (KeyLayout segment : segments.all()) {
            int slot = Segments.slot(segment.entries());
            assertThat(new HashSet<>(java.util.List.of(Segments.slot(segment.fences()), Segments.slot(segment.sequence()),
                    Segments.slot(segment.tagSet("product:1")), Segments.slot(segment.expiryIndex()),
                    Segments.slot(segment.fillLock("http://x/1")), Segments.slot(segment.appliedOffsets()))))
                    .containsExactly(slot);
            slots.add(slot);
            // redis-cli --cluster create with 3 primaries: 0-5460, 5461-10922, 10923-16383
            perThird.merge(slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2, 1, Integer::sum);
        }
        assertThat(slots).as("one slot per segment").hasSize(12);
        assertThat(perThird).isEqualTo(Map.of(0, 4, 1, 4, 2, 4));
        assertThat(segments.all().get(7).prefix()).startsWith("{catalog-cache:s7").endsWith("}:");
    }

    @Test
    void aKeyAlwaysMapsToOneSegmentAndKeysSpreadOverAll() {
        Segments segments = Segments.cluster("catalog-cache:", 12);
        Segments again = Segments.cluster("catalog-cache:", 12);
        int[] counts = new int[12];
        for (int i = 0; i < 12_000; i++) {
            String key = "http://catalog/products/" + i;
            assertThat(again.indexOf(key)).isEqualTo(segments.indexOf(key));
            assertThat(again.of(key).prefix()).isEqualTo(segments.of(key).prefix());
            counts[segments.indexOf(key)]++;
        }
        for (int count : counts) {
            assertThat(count).as("about 1,000 keys per segment").isBetween(800, 1200);
        }
    }

    @Test
    void aPrefixWithAHashTagOrACountOutOfRangeIsRefused() {
        assertThatThrownBy(() -> Segments.cluster("{catalog}:", 12)).hasMessageContaining("'{' or '}'");
        assertThatThrownBy(() -> Segments.cluster("catalog-cache:", 0)).hasMessageContaining("1-1024");
        assertThatThrownBy(() -> Segments.cluster("catalog-cache:", 1025)).hasMessageContaining("1-1024");
    }
}
