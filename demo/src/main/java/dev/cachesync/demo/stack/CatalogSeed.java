package dev.cachesync.demo.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Demo products: {@code prod-001} ... in a few categories and brands, with prices between 5 and 500 EUR. */
public final class CatalogSeed {
    static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();
    static final List<String> BRANDS = List.of("acme", "globex", "initech", "umbrella", "hooli");

    static {
        CATEGORIES.put("electronics", List.of("Headphones", "Keyboard", "Charger", "Speaker", "Monitor"));
        CATEGORIES.put("kitchen", List.of("Kettle", "Knife Set", "Blender", "Toaster", "Pan"));
        CATEGORIES.put("books", List.of("Cookbook", "Novel", "Atlas", "Field Guide", "Comic"));
        CATEGORIES.put("garden", List.of("Hose", "Shears", "Planter", "Lantern", "Bench"));
        CATEGORIES.put("toys", List.of("Puzzle", "Kite", "Robot", "Board Game", "Train Set"));
    }

    private CatalogSeed() {
    }

    /** Id of the n-th product (1-based): {@code prod-001}. */
    public static String productId(int n) {
        return String.format("prod-%03d", n);
    }

    public static List<String> productIds(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            ids.add(productId(n));
        }
        return ids;
    }

    /** Slug of the i-th category (0-based): electronics, kitchen, books, garden, toys, electronics-2, ... */
    public static String categorySlug(int i) {
        List<String> names = new ArrayList<>(CATEGORIES.keySet());
        String base = names.get(i % names.size());
        return i < names.size() ? base : base + "-" + (i / names.size() + 1);
    }

    /** Slug of the i-th brand (0-based): acme, globex, initech, umbrella, hooli, acme-2, ... */
    public static String brandSlug(int i) {
        String base = BRANDS.get(i % BRANDS.size());
        return i < BRANDS.size() ? base : base + "-" + (i / BRANDS.size() + 1);
    }

    /**
     * The fields of the n-th product (1-based) in a catalog of {@code categories} categories and {@code brands}
     * brands (0 = products have no brand); the same arguments always give the same product.
     */
    public static Map<String, Object> product(int n, int categories, int brands) {
        Random random = new Random(n * 7919L);
        int c = (n - 1) % categories;
        String category = categorySlug(c);
        List<String> nouns = CATEGORIES.get(categorySlug(c % CATEGORIES.size()));
        String noun = nouns.get(random.nextInt(nouns.size()));
        String brand = brands == 0 ? null : brandSlug(((n - 1) / categories) % brands);
        String brandName = brand == null ? "Generic" : Character.toUpperCase(brand.charAt(0)) + brand.substring(1);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", brandName + " " + noun + " " + n);
        fields.put("description", "Demo product " + n + " (" + category + ")");
        fields.put("priceCents", 500 + random.nextInt(49_500));
        fields.put("currency", "EUR");
        fields.put("stock", 10 + random.nextInt(500));
        fields.put("categorySlug", category);
        fields.put("brandSlug", brand);
        return fields;
    }

    /** PUTs {@code count} products through the catalog API (a few at a time). */
    public static void seed(CatalogAdmin admin, int count, int categories, int brands) {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                int number = n;
                writes.add(pool.submit(() -> admin.put(productId(number), product(number, categories, brands))));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("seeding the catalog failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding the catalog", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
