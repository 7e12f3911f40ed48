package dev.lucid.coordinator;

import dev.lucid.api.v1.GeneratorGrpc;
import dev.lucid.api.v1.PromptSamplerGrpc;
import dev.lucid.api.v1.SafetyScorerGrpc;
import dev.lucid.api.v1.UtilityScorerGrpc;
import dev.lucid.kserve.GrpcChannels;
import dev.lucid.kserve.TlsFiles;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Channels and stubs to the sampler, generator and scorers (over TLS when {@code lucid.tls.*} is set); every call gets
 * the configured deadline. A channel whose peer went away waits between reconnection attempts (gRPC's backoff, up to
 * two minutes) and fails calls meanwhile; each stub handed out first asks such a channel to reconnect now and waits
 * (at most {@link #RECONNECT_WAIT_MS}) for that attempt to start, so a restarted peer is used at the next call, not
 * after the backoff, and a peer still down fails that call within about a second.
 */
@ApplicationScoped
public class Peers {
    /** How long a call waits for a channel in TRANSIENT_FAILURE to start its new connection attempt. */
    static final long RECONNECT_WAIT_MS = 1000;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final CoordinatorConfig config;
    private final ManagedChannel samplerChannel;
    private final ManagedChannel generatorChannel;
    private final ManagedChannel safetyChannel;
    private final ManagedChannel utilityChannel;
    private final PromptSamplerGrpc.PromptSamplerBlockingStub sampler;
    private final PromptSamplerGrpc.PromptSamplerStub samplerAsync;
    private final GeneratorGrpc.GeneratorBlockingStub generator;
    private final SafetyScorerGrpc.SafetyScorerBlockingStub safety;
    private final UtilityScorerGrpc.UtilityScorerBlockingStub utility;

    Peers(CoordinatorConfig config) {
        this.config = config;
        samplerChannel = channel(config.sampler());
        generatorChannel = channel(config.generator());
        safetyChannel = channel(config.safety());
        utilityChannel = channel(config.utility());
        sampler = PromptSamplerGrpc.newBlockingStub(samplerChannel);
        samplerAsync = PromptSamplerGrpc.newStub(samplerChannel);
        generator = GeneratorGrpc.newBlockingStub(generatorChannel).withMaxInboundMessageSize(256 << 20);
        safety = SafetyScorerGrpc.newBlockingStub(safetyChannel);
        utility = UtilityScorerGrpc.newBlockingStub(utilityChannel);
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

    /**
     * A channel that failed to connect tries again now, and a call made next waits for that attempt: the channel
     * leaves TRANSIENT_FAILURE asynchronously, and a call that still finds it there fails at once with the old
     * connection error, so this waits (at most {@link #RECONNECT_WAIT_MS}) until it has moved on (calls made while
     * it connects wait for the connection).
     */
    static void reconnectNow(ManagedChannel ch) {
        if (ch.getState(false) != ConnectivityState.TRANSIENT_FAILURE) {
            return;
        }
        CountDownLatch moved = new CountDownLatch(1);
        ch.notifyWhenStateChanged(ConnectivityState.TRANSIENT_FAILURE, moved::countDown);
        ch.resetConnectBackoff();
        try {
            moved.await(RECONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public PromptSamplerGrpc.PromptSamplerBlockingStub sampler() {
        reconnectNow(samplerChannel);
        return sampler.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    /** The sampler's asynchronous stub, without a deadline (streaming calls set their own). */
    public PromptSamplerGrpc.PromptSamplerStub samplerAsync() {
        reconnectNow(samplerChannel);
        return samplerAsync;
    }

    public GeneratorGrpc.GeneratorBlockingStub generator() {
        reconnectNow(generatorChannel);
        return generator.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    public SafetyScorerGrpc.SafetyScorerBlockingStub safety() {
        reconnectNow(safetyChannel);
        return safety.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    public UtilityScorerGrpc.UtilityScorerBlockingStub utility() {
        reconnectNow(utilityChannel);
        return utility.withDeadlineAfter(deadlineMs(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
