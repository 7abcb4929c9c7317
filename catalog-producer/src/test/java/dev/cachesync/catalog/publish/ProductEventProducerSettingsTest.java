package dev.cachesync.catalog.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProductEventProducerSettingsTest {

    private final ProductEventProducerSettings settings = ProductEventProducerSettings.to("k:9092", "http://r:8080");

    @Test
    void idempotenceCannotBeWeakenedByAnOverride() {
        var props = settings.property(ProducerConfig.ACKS_CONFIG, "1")
                .property(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false).properties();
        assertThat(props).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void badDurationsAreRefusedWhenSetNamingTheOption() {
        assertThatThrownBy(() -> settings.deliveryTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryTimeout");
        assertThatThrownBy(() -> settings.deliveryTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryTimeout");
        assertThatThrownBy(() -> settings.linger(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("linger");
    }

    @Test
    void lingerMustBeShorterThanTheDeliveryTimeout() {
        settings.deliveryTimeout(Duration.ofSeconds(1)).linger(Duration.ofSeconds(2));
        assertThatThrownBy(settings::properties).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger").hasMessageContaining("deliveryTimeout");
    }
}
