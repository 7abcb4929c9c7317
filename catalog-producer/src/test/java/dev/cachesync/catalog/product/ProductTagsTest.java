package dev.cachesync.catalog.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProductTagsTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static Product product(String category, String brand, long version) {
        return new Product("p1", "n", null, 1, "EUR", 0, category, brand, version, T);
    }

    @Test
    void aProductsOwnResponseIsTaggedWithTheProductOnly() {
        assertThat(ProductTags.of(product("shoes", "acme", 1))).containsExactly("product:p1");
    }

    @Test
    void aChangeDoesNotPurgeTheOtherProductsOfItsCategoryOrBrand() {
        Product neighbour = new Product("p2", "n", null, 1, "EUR", 0, "shoes", "acme", 1, T);
        assertThat(ProductTags.touchedBy(product("shoes", "acme", 1), product("shoes", "acme", 2)))
                .doesNotContainAnyElementsOf(ProductTags.of(neighbour));
    }

    @Test
    void aChangeTouchesOldAndNewCategoryAndBrand() {
        assertThat(ProductTags.touchedBy(product("shoes", "acme", 1), product("boots", null, 2)))
                .containsExactly("product:p1", "category:shoes", "brand:acme", "category:boots");
        assertThat(ProductTags.touchedBy(null, product("boots", "acme", 1)))
                .containsExactly("product:p1", "category:boots", "brand:acme");
        assertThat(ProductTags.touchedBy(product("boots", "acme", 1), null))
                .containsExactly("product:p1", "category:boots", "brand:acme");
    }

    @Test
    void longestIdsAndSlugsStillMakeValidTags() {
        String longest = "a".repeat(64);
        assertThat(ProductRules.isValidId(longest)).isTrue();
        assertThat(ProductRules.isValidId(longest + "a")).isFalse();
        assertThat(ProductTags.isValid(ProductTags.category(longest))).isTrue();
        assertThat(ProductTags.isValid("Category:x")).isFalse();
    }

    @Test
    void changesMustBeConsistent() {
        Product v1 = product("shoes", null, 1);
        ProductChange update = ProductChange.between(v1, product("shoes", null, 2), 0, T, "s", null);
        assertThat(update.type()).isEqualTo(ChangeType.UPDATED);
        assertThat(update.version()).isEqualTo(2);
        ProductChange delete = ProductChange.between(v1, null, 2, T, "s", null);
        assertThat(delete.type()).isEqualTo(ChangeType.DELETED);
        assertThat(delete.version()).isEqualTo(2);
        assertThatThrownBy(() -> ProductChange.between(v1, product("shoes", null, 1), 0, T, "s", null))
                .hasMessageContaining("version must increase");
    }
}
