package dev.lucid.utility;

import dev.lucid.api.v1.Answer;
import dev.lucid.api.v1.DescribeUtilityRequest;
import dev.lucid.api.v1.Question;
import dev.lucid.api.v1.UtilityItem;
import dev.lucid.api.v1.UtilityScoreRequest;
import dev.lucid.api.v1.UtilityScoreResponse;
import dev.lucid.api.v1.UtilityScorerGrpc;
import dev.lucid.testsupport.InferenceBackendResource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The utility service asking toy_vqa (kind {@code vqa}) on the real inference server: answer texts come back per
 * question, judged by the question's rule (TIFA's choice mapping, yes/no), and questions need no op.
 */
@QuarkusTest
@TestProfile(VqaProfile.class)
@QuarkusTestResource(value = InferenceBackendResource.class,
        initArgs = @ResourceArg(name = "property", value = "lucid.scorers.backend-port"))
class VqaUtilityTest {
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

    static Question yesNo(String id, String text, String expected, String... parents) {
        return Question.newBuilder().setId(id).setText(text).setAnswer(expected).addAllParents(List.of(parents))
                .setCategory("entity").build();
    }

    @Test
    void describesTheVqaModel() {
        var d = stub.describe(DescribeUtilityRequest.getDefaultInstance());
        assertEquals("toy_vqa", d.getVqaId());
        assertEquals(64, d.getVqaFingerprint().length());
        assertTrue(d.getVqaDescription().startsWith("vqa kind, model toy_vqa"), d.getVqaDescription());
    }

    @Test
    void answersAreTextJudgedByTheQuestionsRule() {
        // toy_vqa: with choices, the first choice upper-cased; without, "no" when a word is one of no/not/red/two.
        UtilityItem item = UtilityItem.newBuilder().setImage(UtilityEndpointTest.red()).setPrompt("a")
                .addQuestions(yesNo("1", "Is there a cat?", "yes"))
                .addQuestions(yesNo("2", "Is the cat red?", "yes", "1"))
                .addQuestions(yesNo("3", "Are there two cats?", "no", "1"))
                .addQuestions(Question.newBuilder().setId("q3").setText("What color is the cat?").addChoices("pale green")
                        .addChoices("blue").setAnswer("pale green"))
                .addQuestions(Question.newBuilder().setId("q4").setText("What animal is it?").addChoices("dog, big")
                        .addChoices("cat").setAnswer("cat"))
                .build();
        UtilityScoreResponse r = stub.score(UtilityScoreRequest.newBuilder().addItems(item).addItems(item).build());
        assertEquals(2, r.getResultsCount());
        for (var result : r.getResultsList()) {
            assertEquals(List.of("yes", "no", "no", "PALE GREEN", "DOG  BIG"),
                    result.getAnswersList().stream().map(Answer::getAnswer).toList());
            assertEquals(List.of(true, false, true, true, false),
                    result.getAnswersList().stream().map(Answer::getCorrect).toList());
            assertEquals(List.of("1", "2", "3", "q3", "q4"), result.getAnswersList().stream().map(Answer::getQuestionId).toList());
        }
        assertEquals(stub.describe(DescribeUtilityRequest.getDefaultInstance()).getVqaFingerprint(), r.getVqaFingerprint());
    }

    @Test
    void questionsAreBounded() {
        StatusRuntimeException blank = assertThrows(StatusRuntimeException.class, () -> stub.score(UtilityScoreRequest.newBuilder()
                .addItems(UtilityItem.newBuilder().setImage(UtilityEndpointTest.red()).setPrompt("a")
                        .addQuestions(yesNo("1", " ", "yes"))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, blank.getStatus().getCode());
        assertEquals("items[0].questions[0].text: between 1 and 1000 characters, got 1", blank.getStatus().getDescription());
        StatusRuntimeException notAChoice = assertThrows(StatusRuntimeException.class, () -> stub.score(UtilityScoreRequest.newBuilder()
                .addItems(UtilityItem.newBuilder().setImage(UtilityEndpointTest.red()).setPrompt("a")
                        .addQuestions(Question.newBuilder().setId("q0").setText("What color?").addChoices("red").setAnswer("blue")))
                .build()));
        assertEquals("items[0].questions[0].answer: 'blue' is not among its choices", notAChoice.getStatus().getDescription());
        UtilityItem.Builder many = UtilityItem.newBuilder().setImage(UtilityEndpointTest.red()).setPrompt("a");
        for (int q = 0; q <= UtilityEndpoint.MAX_QUESTIONS; q++) {
            many.addQuestions(yesNo(Integer.toString(q + 1), "Is there a cat?", "yes"));
        }
        StatusRuntimeException tooMany = assertThrows(StatusRuntimeException.class,
                () -> stub.score(UtilityScoreRequest.newBuilder().addItems(many).build()));
        assertEquals("items[0].questions: at most 64", tooMany.getStatus().getDescription());
    }
}
