package dev.cachesync.invalidator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import dev.cachesync.invalidator.cli.InvalidatorCli;
import org.junit.jupiter.api.Test;

/** Bad command lines are refused before anything is published (the broker address is never used here). */
class InvalidatorCliTest {
    private final InvalidatorCli cli = new InvalidatorCli("127.0.0.1:1", "http://127.0.0.1:1", new PrintStream(new ByteArrayOutputStream()));

    @Test
    void aPurgeNeedsATagOrAKey() {
        assertThatThrownBy(() -> cli.run("purge", "--reason", "why")).hasMessageContaining("--tag or --key");
    }

    @Test
    void aPurgeNeedsAReason() {
        assertThatThrownBy(() -> cli.run("purge", "--tag", "category:shoes")).hasMessageContaining("--reason");
    }

    @Test
    void anInvalidTagIsRefusedByName() {
        assertThatThrownBy(() -> cli.run("purge", "--tag", "Category Shoes", "--reason", "x"))
                .hasMessageContaining("Category Shoes");
    }

    @Test
    void anUnknownCommandIsRefused() {
        assertThatThrownBy(() -> cli.run("drop-everything")).hasMessageContaining("drop-everything");
    }
}
