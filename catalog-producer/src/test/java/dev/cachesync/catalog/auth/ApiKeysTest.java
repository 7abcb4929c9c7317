package dev.cachesync.catalog.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void aMintedKeyAuthenticatesAsItsNameWithItsScopesAndNoOtherKeyDoes() {
        ApiKeys.MintedKey writer = ApiKeys.mint("pricing", Scopes.WRITE);
        ApiKeys.MintedKey reader = ApiKeys.mint("dashboard", Scopes.READ, "reports:view");
        ApiKeys keys = ApiKeys.parse("test", "# catalog keys\n" + writer.entry() + "\n\n" + reader.entry() + "  # read only\n");

        assertThat(keys.authenticate(writer.key())).hasValueSatisfying(p -> {
            assertThat(p.name()).isEqualTo("api-key:pricing");
            assertThat(p.may(Scopes.WRITE)).isTrue();
            assertThat(p.may(Scopes.READ)).as("write implies read").isTrue();
        });
        assertThat(keys.authenticate(reader.key())).hasValueSatisfying(p -> {
            assertThat(p.scopes()).containsExactlyInAnyOrder(Scopes.READ, "reports:view");
            assertThat(p.may(Scopes.WRITE)).isFalse();
        });
        assertThat(keys.authenticate(writer.key() + "x")).isEmpty();
        assertThat(keys.authenticate(ApiKeys.hash(writer.key()))).as("the hash is not the key").isEmpty();
    }

    @Test
    void keysAreLongRandomAndPrefixedAndTheEntryHoldsOnlyTheirHash() {
        ApiKeys.MintedKey a = ApiKeys.mint("a", Scopes.WRITE);
        ApiKeys.MintedKey b = ApiKeys.mint("a", Scopes.WRITE);
        assertThat(a.key()).startsWith(ApiKeys.KEY_PREFIX).hasSizeGreaterThanOrEqualTo(ApiKeys.KEY_PREFIX.length() + 43)
                .isNotEqualTo(b.key());
        assertThat(a.entry()).doesNotContain(a.key()).contains(ApiKeys.hash(a.key()));
        assertThat(a.toString()).doesNotContain(a.key());
        // The same hex digest as `printf %s "$KEY" | sha256sum`.
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
