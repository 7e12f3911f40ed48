package dev.lucid.scorers;

import dev.lucid.kserve.StatusMapping;
import com.google.protobuf.ByteString;
import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.KServeException;
import dev.lucid.kserve.TlsFiles;
import dev.lucid.scoring.ScorerCatalog;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The backend connection and the scorer catalog, plus what every scoring endpoint does the same way. */
@ApplicationScoped
public class Scorers {
    private static final Logger LOG = Logger.getLogger(Scorers.class);
    /** Largest PNG accepted per image. */
    public static final int MAX_PNG_BYTES = 16 * 1024 * 1024;

    private final KServeClient client;
    private final ScorerCatalog catalog;
    private final ScorersConfig config;

    Scorers(ScorersConfig config) {
        this.config = config;
        this.client = KServeClient.connect(config.backendHost(), config.backendPort(),
                ClientOptions.defaults().withDeadline(config.backendDeadline()),
                TlsFiles.fromSettings(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class)));
        try {
            this.catalog = ScorerCatalog.load(config.baseDir().resolve(config.catalog()), config.baseDir(), client);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scorer catalog " + config.catalog(), e);
        }
    }

    public ScorerCatalog catalog() {
        return catalog;
    }

    public ScorersConfig config() {
        return config;
    }

    /** Whether the backend answers. */
    public boolean backendLive() {
        try {
            return client.serverLive();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Decodes one request image, naming it in errors. */
    public static RgbImage decode(String field, ByteString png) {
        if (png.isEmpty()) {
            throw new IllegalArgumentException(field + ".png: required");
        }
        if (png.size() > MAX_PNG_BYTES) {
            throw new IllegalArgumentException(field + ".png: larger than " + MAX_PNG_BYTES + " bytes");
        }
        try {
            return PngCodec.decode(png.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ".png: " + e.getMessage(), e);
        }
    }

    /** Failures as statuses: {@link StatusMapping}, the mapping every Lucid service shares. */
    public static StatusRuntimeException status(Throwable e) {
        return StatusMapping.toStatus(e, "scoring");
    }

    void stop(@Observes ShutdownEvent ev) {
        client.close();
    }
}
