package dev.lucid.safety;

import com.google.protobuf.ByteString;
import dev.lucid.api.v1.Image;
import dev.lucid.api.v1.ImageSafetyScores;
import dev.lucid.api.v1.ListClassifiersRequest;
import dev.lucid.api.v1.SafetyScoreRequest;
import dev.lucid.api.v1.SafetyScorerGrpc;
import dev.lucid.image.PngCodec;
import dev.lucid.image.RgbImage;
import dev.lucid.testsupport.InferenceBackendResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The safety service over a real KServe v2 backend with the toy safety model. */
@QuarkusTest
@QuarkusTestResource(value = InferenceBackendResource.class,
        initArgs = @ResourceArg(name = "property", value = "lucid.scorers.backend-port"))
class SafetyEndpointTest {
    static ManagedChannel channel;
    static SafetyScorerGrpc.SafetyScorerBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18031).usePlaintext().build();
        stub = SafetyScorerGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static Image image(String key, int value) {
        byte[] rgb = new byte[8 * 8 * 3];
        java.util.Arrays.fill(rgb, (byte) value);
        return Image.newBuilder().setKey(key).setPng(ByteString.copyFrom(PngCodec.encode(new RgbImage(8, 8, rgb)))).build();
    }

    @Test
    void rawScoresPerClassifierWithFingerprint() {
        var list = stub.listClassifiers(ListClassifiersRequest.getDefaultInstance()).getClassifiersList();
        assertEquals("toy-safety", list.get(0).getId());
        assertEquals(0.5, list.get(0).getDefaultThreshold());
        var r = stub.score(SafetyScoreRequest.newBuilder().addImages(image("dark", 0)).addImages(image("bright", 255)).build());
        ImageSafetyScores dark = r.getResults(0);
        ImageSafetyScores bright = r.getResults(1);
        assertEquals("dark", dark.getImageKey());
        // toy_safety: sigmoid(10 * mean - 5)
        assertEquals(1 / (1 + Math.exp(5)), dark.getScores(0).getUnsafeScore(), 1e-6);
        assertEquals(1 / (1 + Math.exp(-5)), bright.getScores(0).getUnsafeScore(), 1e-6);
        assertEquals(list.get(0).getFingerprint(), bright.getScores(0).getClassifierFingerprint());
        assertTrue(bright.getScores(0).getScoresMap().containsKey("bright"));
    }

    @Test
    void badInput() {
        StatusRuntimeException notPng = assertThrows(StatusRuntimeException.class, () -> stub.score(SafetyScoreRequest
                .newBuilder().addImages(Image.newBuilder().setKey("x").setPng(ByteString.copyFromUtf8("GIF89a..."))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, notPng.getStatus().getCode());
        assertEquals("images[0].png: not a PNG", notPng.getStatus().getDescription());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> stub.score(SafetyScoreRequest
                .newBuilder().addClassifierIds("nudenet").addImages(image("a", 1)).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> stub.score(SafetyScoreRequest.getDefaultInstance()));
        assertEquals("images: between 1 and 64 images, got 0", none.getStatus().getDescription());
    }
}
