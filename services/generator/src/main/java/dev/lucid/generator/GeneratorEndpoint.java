package dev.lucid.generator;

import dev.lucid.kserve.StatusMapping;
import com.google.protobuf.ByteString;
import dev.lucid.api.v1.EncodePromptsRequest;
import dev.lucid.api.v1.EncodePromptsResponse;
import dev.lucid.api.v1.Embedding;
import dev.lucid.api.v1.GenerateRequest;
import dev.lucid.api.v1.GenerateResponse;
import dev.lucid.api.v1.GenerationItem;
import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.Image;
import dev.lucid.api.v1.ListModelsRequest;
import dev.lucid.api.v1.ListModelsResponse;
import dev.lucid.api.v1.ModelInfo;
import dev.lucid.api.v1.ModelRef;
import dev.lucid.api.v1.ModelShape;
import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationSettings;
import dev.lucid.generation.ImageGenerator;
import dev.lucid.generation.ModelCatalog;
import dev.lucid.generation.PromptEncoding;
import dev.lucid.generation.T2iModel;
import dev.lucid.kserve.KServeException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/** The lucid.v1.Generator endpoints: validation and mapping; the work is the generation library's. */
@GrpcService
public class GeneratorEndpoint extends GeneratorGrpc.GeneratorImplBase {
    private static final Logger LOG = Logger.getLogger(GeneratorEndpoint.class);

    private final Generators generators;
    private final GeneratorConfig config;

    GeneratorEndpoint(Generators generators, GeneratorConfig config) {
        this.generators = generators;
        this.config = config;
    }

    @Override
    @Blocking
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> out) {
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (ModelCatalog.Entry e : generators.catalog().entries()) {
            T2iModel m = e.model();
            String fingerprint = "";
            try {
                fingerprint = generators.get(m.name()).orElseThrow().fingerprint();
            } catch (RuntimeException backendDown) {
                // listed without a fingerprint; Generate reports the backend's state
            }
            b.addModels(ModelInfo.newBuilder()
                    .setModel(ModelRef.newBuilder().setName(m.name()).setFingerprint(fingerprint))
                    .setShape(m.shape() == T2iModel.Shape.PIPELINE ? ModelShape.MODEL_SHAPE_PIPELINE : ModelShape.MODEL_SHAPE_COMPONENTS)
                    .setTextEncoder(nz(m.textEncoder())).setDenoiser(nz(m.denoiser()))
                    .setDescription(nz(m.description())));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    @Blocking
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
        try {
            ImageGenerator g = generator(request.getModel().getName());
            if (request.getItemsCount() == 0 || request.getItemsCount() > config.maxItems()) {
                throw new IllegalArgumentException("items: between 1 and " + config.maxItems() + " items, got "
                        + request.getItemsCount());
            }
            // A guidance scale left 0 is the model's own default (its denoiser config's guidance_scale_default).
            double defaultGuidance = request.getParams().getGuidanceScale() == 0 ? g.defaultGuidanceScale()
                    : dev.lucid.generation.GenerationParamsMapping.DEFAULT_GUIDANCE;
            GenerationSettings settings = dev.lucid.generation.GenerationParamsMapping.settings(request.getParams(), "params",
                    defaultGuidance);
            List<dev.lucid.generation.GenerationItem> items = new ArrayList<>();
            for (int i = 0; i < request.getItemsCount(); i++) {
                GenerationItem it = request.getItems(i);
                try {
                    items.add(new dev.lucid.generation.GenerationItem(it.getPromptId(), it.getPrompt(), it.getSeed()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("items[" + i + "]: " + e.getMessage(), e);
                }
            }
            List<GeneratedImage> images = g.generate(items, settings);
            GenerateResponse.Builder b = GenerateResponse.newBuilder()
                    .setModel(ModelRef.newBuilder().setName(request.getModel().getName()).setFingerprint(g.fingerprint()));
            for (GeneratedImage img : images) {
                Image.Builder ib = Image.newBuilder().setKey(img.key()).setSha256(img.sha256())
                        .setWidth(img.width()).setHeight(img.height());
                if (request.getIncludePng()) {
                    ib.setPng(ByteString.copyFrom(img.png()));
                }
                b.addImages(ib);
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    @Override
    @Blocking
    public void encodePrompts(EncodePromptsRequest request, StreamObserver<EncodePromptsResponse> out) {
        try {
            ImageGenerator g = generator(request.getModel().getName());
            int n = request.getPromptsCount();
            if (n == 0 || n > PromptEncoding.MAX_PROMPTS) {
                throw new IllegalArgumentException("prompts: between 1 and " + PromptEncoding.MAX_PROMPTS + " prompts, got " + n);
            }
            for (int i = 0; i < request.getPromptsCount(); i++) {
                if (request.getPrompts(i).length() > GenerationSettings.MAX_TEXT_CHARS) {
                    throw new IllegalArgumentException("prompts[" + i + "]: longer than " + GenerationSettings.MAX_TEXT_CHARS
                            + " characters");
                }
            }
            EncodePromptsResponse.Builder b = EncodePromptsResponse.newBuilder()
                    .setModel(ModelRef.newBuilder().setName(request.getModel().getName()).setFingerprint(g.fingerprint()));
            // A chunk at a time against the backend; the answer's size is checked once the first chunk shows the dimension.
            for (int start = 0; start < n; start += PromptEncoding.SERVER_CHUNK) {
                List<float[]> emb = g.encodePrompts(request.getPromptsList().subList(start, Math.min(n, start + PromptEncoding.SERVER_CHUNK)),
                        request.getSequence());
                if (start == 0) {
                    int dim = emb.get(0).length;
                    if ((long) dim * n > PromptEncoding.MAX_VALUES) {
                        throw Status.RESOURCE_EXHAUSTED.withDescription("prompts: " + n + " prompts of " + dim + " values each exceed "
                                + PromptEncoding.MAX_VALUES + " values per answer; send at most " + PromptEncoding.MAX_VALUES / dim
                                + " prompts per request").asRuntimeException();
                    }
                    b.setDimension(dim);
                }
                for (float[] e : emb) {
                    Embedding.Builder eb = Embedding.newBuilder();
                    for (float v : e) {
                        eb.addValues(v);
                    }
                    b.addEmbeddings(eb);
                }
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(status(e));
        }
    }

    private ImageGenerator generator(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("model.name: required");
        }
        return generators.get(name).orElseThrow(() -> Status.NOT_FOUND.withDescription("model.name: unknown model '"
                + name + "'; models are " + generators.catalog().entries().stream().map(e -> e.model().name()).toList())
                .asRuntimeException());
    }

    /** Failures as statuses: {@link StatusMapping}, the mapping every Lucid service shares. */
    static io.grpc.StatusRuntimeException status(Throwable e) {
        return StatusMapping.toStatus(e, "generation");
    }
}
