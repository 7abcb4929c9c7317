package dev.cachesync.schemas.serde;

import dev.cachesync.events.ProductEvent;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Trusting the events package adds to what the user configured for Avro and never takes anything away. */
class TrustedPackagesTest {

    @Test
    void setsThePropertyWhenTheUserSetNothing() {
        assertThat(TrustedPackages.withPackage(null, "dev.cachesync.events")).isEqualTo("dev.cachesync.events");
        assertThat(TrustedPackages.withPackage(" ", "dev.cachesync.events")).isEqualTo("dev.cachesync.events");
    }

    @Test
    void appendsToTheUsersPackages() {
        assertThat(TrustedPackages.withPackage("com.acme.orders,org.example", "dev.cachesync.events"))
                .isEqualTo("com.acme.orders,org.example,dev.cachesync.events");
    }

    @Test
    void leavesThePropertyAloneWhenThePackageIsAlreadyTrusted() {
        assertThat(TrustedPackages.withPackage("com.acme, dev.cachesync.events", "dev.cachesync.events"))
                .isEqualTo("com.acme, dev.cachesync.events");
        assertThat(TrustedPackages.withPackage("dev.cachesync", "dev.cachesync.events")).isEqualTo("dev.cachesync");
        assertThat(TrustedPackages.withPackage("*", "dev.cachesync.events")).as("trust all stays trust all")
                .isEqualTo("*");
        assertThat(TrustedPackages.withPackage("dev.cache", "dev.cachesync.events"))
                .as("a prefix that is not a parent package does not count")
                .isEqualTo("dev.cache,dev.cachesync.events");
    }

    @Test
    void addsThePackageToAReadersTrustedPackages() {
        SpecificDatumReader<ProductEvent> reader = new SpecificDatumReader<>(ProductEvent.class);
        reader.getTrustedPackages().clear();
        reader.getTrustedPackages().add("com.acme.");

        TrustedPackages.trust(reader, "dev.cachesync.events");
        TrustedPackages.trust(reader, "dev.cachesync.events");

        assertThat(reader.getTrustedPackages()).containsExactly("com.acme.", "dev.cachesync.events.");
    }

    @Test
    void keepsAReaderThatTrustsEverything() {
        SpecificDatumReader<ProductEvent> reader = new SpecificDatumReader<>(ProductEvent.class);
        reader.getTrustedPackages().clear();
        reader.getTrustedPackages().add("*");

        TrustedPackages.trust(reader, "dev.cachesync.events");

        assertThat(reader.getTrustedPackages()).containsExactly("*");
    }
}
