package dev.lucid.coordinator;

import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.SafetyScorerGrpc;
import dev.lucid.api.v1.UtilityScorerGrpc;
import dev.lucid.kserve.GrpcChannels;
import dev.lucid.kserve.TlsFiles;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Channels and stubs to the sampler, generator and scorers (over TLS when {@code lucid.tls.*} is set); every call gets the configured deadline. */
@ApplicationScoped
public class Peers {
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final CoordinatorConfig config;
    private final PromptSamplerGrpc.PromptSamplerBlockingStub sampler;
    private final PromptSamplerGrpc.PromptSamplerStub samplerAsync;
    private final GeneratorGrpc.GeneratorBlockingStub generator;
    private final SafetyScorerGrpc.SafetyScorerBlockingStub safety;
    private final UtilityScorerGrpc.UtilityScorerBlockingStub utility;

    Peers(CoordinatorConfig config) {
        this.config = config;
        ManagedChannel samplerChannel = channel(config.sampler());
        sampler = PromptSamplerGrpc.newBlockingStub(samplerChannel);
        samplerAsync = PromptSamplerGrpc.newStub(samplerChannel);
        generator = GeneratorGrpc.newBlockingStub(channel(config.generator())).withMaxInboundMessageSize(256 << 20);
        safety = SafetyScorerGrpc.newBlockingStub(channel(config.safety()));
        utility = UtilityScorerGrpc.newBlockingStub(channel(config.utility()));
    }

    private ManagedChannel channel(String target) {
        int colon = target.lastIndexOf(':');
        ManagedChannel ch = GrpcChannels.open(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
                256 << 20, TlsFiles.fromSettings(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class)));
        channels.add(ch);
        return ch;
    }

    private long deadlineMs() {
        return config.peerDeadline().toMillis();
    }

    public PromptSamplerGrpc.PromptSamplerBlockingStub sampler() {
        return sampler.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    /** The sampler's asynchronous stub, without a deadline (streaming calls set their own). */
    public PromptSamplerGrpc.PromptSamplerStub samplerAsync() {
        return samplerAsync;
    }

    public GeneratorGrpc.GeneratorBlockingStub generator() {
        return generator.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    public SafetyScorerGrpc.SafetyScorerBlockingStub safety() {
        return safety.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    public UtilityScorerGrpc.UtilityScorerBlockingStub utility() {
        return utility.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
