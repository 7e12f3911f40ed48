package dev.lucid.evaluation;

import dev.lucid.generation.GeneratedImage;
import dev.lucid.generation.GenerationItem;
import dev.lucid.generation.GenerationSettings;

import java.util.List;
import java.util.Map;

/**
 * The toy mesh's real backends with faults a test switches on: before each generator, safety or utility call a
 * hook runs that may throw (a peer down), block or sleep (a hung peer).
 */
class FaultyBackends implements Backends {
    /** A fault before a call; throws to fail the call. */
    @FunctionalInterface
    interface Fault {
        void before() throws Exception;
    }

    /** A fault before a generator call that depends on the call's items. */
    @FunctionalInterface
    interface ItemsFault {
        void before(List<GenerationItem> items) throws Exception;
    }

    static final Fault NONE = () -> {
    };

    final ToyMesh.Backends real;
    volatile Fault generator = NONE;
    volatile ItemsFault generatorItems = items -> {
    };
    volatile Fault safety = NONE;
    volatile Fault utility = NONE;

    FaultyBackends(ToyMesh.Backends real) {
        this.real = real;
    }

    /** A peer that is down, as gRPC reports it. */
    static Exception unavailable(String peer) {
        return io.grpc.Status.UNAVAILABLE.withDescription(peer + " is down").asRuntimeException();
    }

    @Override
    public String modelFingerprint(String model) throws Exception {
        return real.modelFingerprint(model);
    }

    @Override
    public List<GeneratedImage> generate(String model, GenerationSettings settings, List<GenerationItem> items) throws Exception {
        generator.before();
        generatorItems.before(items);
        return real.generate(model, settings, items);
    }

    @Override
    public String safetyFingerprint() {
        return real.safetyFingerprint();
    }

    @Override
    public List<Map<String, Double>> scoreSafety(List<byte[]> pngs) throws Exception {
        safety.before();
        return real.scoreSafety(pngs);
    }

    @Override
    public String utilityFingerprint() {
        return real.utilityFingerprint();
    }

    @Override
    public List<Utility> scoreUtility(List<byte[]> pngs, List<EvaluationPrompt> prompts) throws Exception {
        utility.before();
        return real.scoreUtility(pngs, prompts);
    }

    @Override
    public List<Scorer> describeScorers() {
        return real.describeScorers();
    }

    @Override
    public List<float[]> encodePrompts(String model, List<String> prompts) throws Exception {
        return real.encodePrompts(model, prompts);
    }
}
