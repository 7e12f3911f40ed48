package dev.lucid.utility;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The utility service with deploy/catalogs/test-vqa-scorers.json: the toy CLIP pair and toy_vqa as kind {@code vqa}. */
public class VqaProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        String catalog = "${lucid.repo.root}/deploy/catalogs/test-vqa-scorers.json";
        return Map.of("lucid.scorers.catalog", catalog, "%test.lucid.scorers.catalog", catalog);
    }
}
