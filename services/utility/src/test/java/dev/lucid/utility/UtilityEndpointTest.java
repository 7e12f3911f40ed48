package dev.lucid.utility;

import com.google.protobuf.ByteString;
import dev.lucid.api.v1.DescribeUtilityRequest;
import dev.lucid.api.v1.Image;
import dev.lucid.api.v1.Question;
import dev.lucid.api.v1.UtilityItem;
import dev.lucid.api.v1.UtilityScoreRequest;
import dev.lucid.api.v1.UtilityScorerGrpc;
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

/** The utility service over a real KServe v2 backend with the toy CLIP pair. */
@QuarkusTest
@QuarkusTestResource(value = InferenceBackendResource.class,
        initArgs = @ResourceArg(name = "property", value = "lucid.scorers.backend-port"))
class UtilityEndpointTest {
    static ManagedChannel channel;
    static UtilityScorerGrpc.UtilityScorerBlockingStub stub;

    @BeforeAll
    static void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", 18041).usePlaintext().build();
        stub = UtilityScorerGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() {
        channel.shutdownNow();
    }

    static Image red() {
        byte[] rgb = new byte[8 * 8 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 255;
        }
        return Image.newBuilder().setKey("red").setPng(ByteString.copyFrom(PngCodec.encode(new RgbImage(8, 8, rgb)))).build();
    }

    @Test
    void clipScoreAndFeatures() {
        var d = stub.describe(DescribeUtilityRequest.getDefaultInstance());
        assertEquals(64, d.getClipFingerprint().length());
        var r = stub.score(UtilityScoreRequest.newBuilder().setIncludeFeatures(true)
                .addItems(UtilityItem.newBuilder().setImage(red()).setPrompt("a")).build());
        // toy_clip_image: per-channel mean + 0.1 = (1.1, 0.1, 0.1); toy_clip_text("a"): ids [2,4,3,0..] -> (9/16, 1, 0.5)
        double[] i = {1.1, 0.1, 0.1};
        double[] t = {9 / 16.0, 1, 0.5};
        double cos = (i[0] * t[0] + i[1] * t[1] + i[2] * t[2])
                / Math.sqrt((i[0] * i[0] + i[1] * i[1] + i[2] * i[2]) * (t[0] * t[0] + t[1] * t[1] + t[2] * t[2]));
        assertEquals(100 * cos, r.getResults(0).getClipScore(), 1e-4);
        assertEquals(3, r.getResults(0).getFeaturesCount());
        assertEquals("red", r.getResults(0).getImageKey());
    }

    @Test
    void questionsNeedAVqaModel() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.score(UtilityScoreRequest.newBuilder()
                .addItems(UtilityItem.newBuilder().setImage(red()).setPrompt("a").addQuestions(Question.newBuilder()
                        .setId("q0").setText("is there a circle?").setAnswer("yes")
                        .setOp("{\"op\":\"exists\",\"args\":{\"shape\":\"circle\"}}"))).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        StatusRuntimeException noOp = assertThrows(StatusRuntimeException.class, () -> stub.score(UtilityScoreRequest.newBuilder()
                .addItems(UtilityItem.newBuilder().setImage(red()).setPrompt("a").addQuestions(Question.newBuilder()
                        .setId("q0").setText("is there a circle?"))).build()));
        assertEquals("items[0].questions[0].op: required by the configured VQA model (mini-world reader)",
                noOp.getStatus().getDescription());
    }
}
