package dev.lucid.generator;

import dev.lucid.generation.ComponentsGenerator;
import dev.lucid.generation.ImageGenerator;
import dev.lucid.generation.ModelCatalog;
import dev.lucid.generation.PipelineGenerator;
import dev.lucid.generation.T2iModel;
import dev.lucid.generation.TextEncoder;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.TlsFiles;
import dev.lucid.tokenizers.PromptTokenizers;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The catalog's models as generators over one backend connection. */
@ApplicationScoped
public class Generators {
    private final KServeClient client;
    private final ModelCatalog catalog;
    private final Map<String, ImageGenerator> generators = new ConcurrentHashMap<>();

    Generators(GeneratorConfig config) {
        try {
            this.catalog = ModelCatalog.load(config.baseDir().resolve(config.catalog()), config.baseDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model catalog " + config.catalog(), e);
        }
        this.client = KServeClient.connect(config.backendHost(), config.backendPort(),
                ClientOptions.defaults().withDeadline(config.backendDeadline()),
                TlsFiles.fromSettings(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class)));
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** The generator of a catalog model. */
    public Optional<ImageGenerator> get(String name) {
        return catalog.get(name).map(e -> generators.computeIfAbsent(name, n -> create(e)));
    }

    private ImageGenerator create(ModelCatalog.Entry e) {
        try {
            if (e.model().shape() == T2iModel.Shape.PIPELINE) {
                return new PipelineGenerator(client, e.model(), e.model().textEncoder() == null ? null
                        : new TextEncoder(client, e.model().textEncoder(), PromptTokenizers.load(e.tokenizer())));
            }
            return new ComponentsGenerator(client, e.model(), PromptTokenizers.load(e.tokenizer()));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read tokenizer " + e.tokenizer(), ex);
        }
    }

    /** Whether the backend answers. */
    public boolean backendLive() {
        try {
            return client.serverLive();
        } catch (RuntimeException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        client.close();
    }
}
