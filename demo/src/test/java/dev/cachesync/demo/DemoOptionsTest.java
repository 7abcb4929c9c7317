package dev.cachesync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void noArgumentsGiveTheDefaults() {
        assertThat(DemoOptions.parse()).isEqualTo(DemoOptions.defaults());
        assertThat(DemoOptions.defaults().reads()).isEqualTo(3000);
    }

    @Test
    void readsBothOptionStyles() {
        DemoOptions o = DemoOptions.parse("--orders", "3000", "--instances=10", "--origin-latency", "50",
                "--keep-running", "--out", "/tmp/x", "--zipf=1.2");
        assertThat(o.orders()).isEqualTo(3000);
        assertThat(o.instances()).isEqualTo(10);
        assertThat(o.originLatency()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.keepRunning()).isTrue();
        assertThat(o.outputDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.zipfExponent()).isEqualTo(1.2);
        assertThat(o.productsPerOrder()).isEqualTo(DemoOptions.defaults().productsPerOrder());
    }

    @Test
    void theSharedCacheLifetimeIsLongByDefaultAndAnOption() {
        assertThat(DemoOptions.defaults().sMaxAgeSeconds()).isEqualTo(86_400);
        assertThat(DemoOptions.defaults().maxAgeSeconds()).isEqualTo(5);
        assertThat(DemoOptions.parse("--s-maxage", "5").sMaxAgeSeconds()).isEqualTo(5);
        assertThatThrownBy(() -> DemoOptions.parse("--s-maxage", "0")).hasMessageContaining("--s-maxage");
    }

    @Test
    void helpIsNotARun() {
        assertThat(DemoOptions.parse("--help")).isNull();
    }

    @Test
    void badInputNamesTheOption() {
        assertThatThrownBy(() -> DemoOptions.parse("--orders", "many"))
                .isInstanceOf(DemoOptions.BadOption.class).hasMessageContaining("--orders").hasMessageContaining("many");
        assertThatThrownBy(() -> DemoOptions.parse("--instances", "0"))
                .hasMessageContaining("--instances must be a whole number from 1");
        assertThatThrownBy(() -> DemoOptions.parse("--ordrs", "5")).hasMessageContaining("unknown option --ordrs");
        assertThatThrownBy(() -> DemoOptions.parse("--duration")).hasMessageContaining("--duration needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--keep-running=yes")).hasMessageContaining("--keep-running takes no value");
        assertThatThrownBy(() -> DemoOptions.parse("orders")).hasMessageContaining("unexpected argument 'orders'");
    }

    @Test
    void theScenariosNeedTenProducts() {
        assertThatThrownBy(() -> DemoOptions.parse("--products", "3")).hasMessageContaining("--products");
    }
}
