package dev.lucid.scorers;

import com.google.protobuf.ByteString;
import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.KServeException;
import dev.lucid.scoring.ScorerCatalog;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
                ClientOptions.defaults().withDeadline(config.backendDeadline()));
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

    /** Maps failures to statuses: bad input, backend down or refusing, anything else. */
    public static StatusRuntimeException status(Exception e) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof KServeException k) {
            Status.Code code = switch (k.code()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED -> Status.Code.UNAVAILABLE;
                case NOT_FOUND, INVALID_ARGUMENT -> Status.Code.FAILED_PRECONDITION;
                default -> Status.Code.INTERNAL;
            };
            return Status.fromCode(code).withDescription("backend: " + k.getMessage()).asRuntimeException();
        }
        LOG.error("scoring failed", e);
        return Status.INTERNAL.withDescription("scoring failed: " + e.getClass().getSimpleName()).asRuntimeException();
    }

    void stop(@Observes ShutdownEvent ev) {
        client.close();
    }
}
