package dev.lucid.scoring;

import dev.lucid.image.PngCodec;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.ServingSettings;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Fingerprints of scorers: their id, settings and the backend configs of their models. */
final class Fingerprints {
    private Fingerprints() {
    }

    static String of(KServeClient client, String id, List<String> models, String settings) {
        StringBuilder b = new StringBuilder("lucid.scorer.v1|").append(id).append('|').append(settings);
        for (String m : models) {
            b.append('|').append(m).append('|').append(ServingSettings.strip(client.modelConfig(m)).toString());
        }
        return PngCodec.sha256(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
