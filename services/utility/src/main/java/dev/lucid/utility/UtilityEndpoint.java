package dev.lucid.utility;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.api.v1.Answer;
import dev.lucid.api.v1.DescribeUtilityRequest;
import dev.lucid.api.v1.DescribeUtilityResponse;
import dev.lucid.api.v1.ItemUtility;
import dev.lucid.api.v1.Question;
import dev.lucid.api.v1.UtilityItem;
import dev.lucid.api.v1.UtilityScoreRequest;
import dev.lucid.api.v1.UtilityScoreResponse;
import dev.lucid.api.v1.UtilityScorerGrpc;
import dev.lucid.image.RgbImage;
import dev.lucid.metrics.faithfulness.AnswerRule;
import dev.lucid.miniworld.QuestionOp;
import dev.lucid.scorers.Scorers;
import dev.lucid.scoring.ClipEncoder;
import dev.lucid.scoring.ClipScore;
import dev.lucid.scoring.InceptionFeatures;
import dev.lucid.scoring.ReaderVqa;
import dev.lucid.scoring.TextVqa;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * lucid.v1.UtilityScorer: CLIPScore against each image's prompt, image features (for FID, KID and diversity:
 * Inception pool3 when the catalog names a {@code features} extractor, else the CLIP image embedding) and VQA
 * answers to the prompt's questions (the mini world's reader, which needs each question's op, or a {@code vqa} model,
 * which reads the question's text and choices).
 */
@GrpcService
public class UtilityEndpoint extends UtilityScorerGrpc.UtilityScorerImplBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most questions per item. */
    static final int MAX_QUESTIONS = 64;
    /** Longest question id or category. */
    static final int MAX_LABEL_CHARS = 64;

    private final Scorers scorers;

    UtilityEndpoint(Scorers scorers) {
        this.scorers = scorers;
    }

    @Override
    @Blocking
    public void describe(DescribeUtilityRequest request, StreamObserver<DescribeUtilityResponse> out) {
        try {
            DescribeUtilityResponse.Builder b = DescribeUtilityResponse.newBuilder();
            scorers.catalog().clip().ifPresent(c -> b.setClipId("clip").setClipFingerprint(c.fingerprint())
                    .setFeatureId("clip-image").setFeatureFingerprint(c.fingerprint()));
            scorers.catalog().features().ifPresent(f -> b.setFeatureId(InceptionFeatures.ID)
                    .setFeatureFingerprint(f.fingerprint()).setFeatureDimension(InceptionFeatures.DIMENSION));
            scorers.catalog().vqa().ifPresent(v -> b.setVqaId("mini-world-reader").setVqaFingerprint(v.fingerprint()));
            scorers.catalog().textVqa().ifPresent(v -> b.setVqaId(v.model()).setVqaFingerprint(v.fingerprint())
                    .setVqaDescription(v.description()));
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(Scorers.status(e));
        }
    }

    @Override
    @Blocking
    public void score(UtilityScoreRequest request, StreamObserver<UtilityScoreResponse> out) {
        try {
            int n = request.getItemsCount();
            if (n == 0 || n > scorers.config().maxImages()) {
                throw new IllegalArgumentException("items: between 1 and " + scorers.config().maxImages() + " items, got " + n);
            }
            ClipEncoder clip = scorers.catalog().clip().orElseThrow(() ->
                    Status.FAILED_PRECONDITION.withDescription("no CLIP models configured").asRuntimeException());
            List<RgbImage> images = new ArrayList<>();
            List<String> prompts = new ArrayList<>();
            List<List<QuestionOp>> ops = new ArrayList<>();
            List<List<TextVqa.Question>> asked = new ArrayList<>();
            Optional<TextVqa> textVqa = scorers.catalog().textVqa();
            boolean anyQuestions = false;
            for (int i = 0; i < n; i++) {
                UtilityItem it = request.getItems(i);
                images.add(Scorers.decode("items[" + i + "].image", it.getImage().getPng()));
                if (it.getPrompt().length() > 2000) {
                    throw new IllegalArgumentException("items[" + i + "].prompt: longer than 2000 characters");
                }
                prompts.add(it.getPrompt());
                if (it.getQuestionsCount() > MAX_QUESTIONS) {
                    throw new IllegalArgumentException("items[" + i + "].questions: at most " + MAX_QUESTIONS);
                }
                List<QuestionOp> qs = new ArrayList<>();
                List<TextVqa.Question> texts = new ArrayList<>();
                for (int q = 0; q < it.getQuestionsCount(); q++) {
                    String field = "items[" + i + "].questions[" + q + "]";
                    if (textVqa.isPresent()) {
                        texts.add(textQuestion(field, it.getQuestions(q)));
                    } else {
                        qs.add(op(field, it.getQuestions(q)));
                    }
                    anyQuestions = true;
                }
                ops.add(qs);
                asked.add(texts);
            }
            List<float[]> img = clip.embedImages(images);
            // The catalog's feature extractor when it names one; else the CLIP image embeddings are the features.
            List<float[]> features = !request.getIncludeFeatures() ? List.of()
                    : scorers.catalog().features().map(f -> f.features(images)).orElse(img);
            List<float[]> txt = clip.embedTexts(prompts);
            List<List<String>> answers = null;
            if (anyQuestions && textVqa.isPresent()) {
                answers = textVqa.get().answer(request.getItemsList().stream().map(it -> it.getImage().getPng().toByteArray())
                        .toList(), asked);
            } else if (anyQuestions) {
                ReaderVqa vqa = scorers.catalog().vqa().orElseThrow(() ->
                        Status.FAILED_PRECONDITION.withDescription("questions given but no VQA model configured").asRuntimeException());
                answers = vqa.answer(images, ops);
            }
            UtilityScoreResponse.Builder b = UtilityScoreResponse.newBuilder().setClipFingerprint(clip.fingerprint());
            scorers.catalog().vqa().ifPresent(v -> b.setVqaFingerprint(v.fingerprint()));
            textVqa.ifPresent(v -> b.setVqaFingerprint(v.fingerprint()));
            for (int i = 0; i < n; i++) {
                UtilityItem it = request.getItems(i);
                ItemUtility.Builder r = ItemUtility.newBuilder().setImageKey(it.getImage().getKey())
                        .setClipScore(ClipScore.of(img.get(i), txt.get(i)));
                if (request.getIncludeFeatures()) {
                    for (float v : features.get(i)) {
                        r.addFeatures(v);
                    }
                }
                for (int q = 0; q < it.getQuestionsCount(); q++) {
                    String a = answers.get(i).get(q);
                    Question question = it.getQuestions(q);
                    // The answer text is returned (the coordinator records it); correct by the question's rule.
                    r.addAnswers(Answer.newBuilder().setQuestionId(question.getId()).setAnswer(a)
                            .setCorrect(AnswerRule.correct(a, question.getAnswer(), question.getChoicesList(),
                                    !question.getOp().isBlank())));
                }
                b.addResults(r);
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(Scorers.status(e));
        }
    }

    /** A question for a {@code vqa} model: its text and choices, bounded, with its other fields checked too. */
    static TextVqa.Question textQuestion(String field, Question q) {
        TextVqa.Question t = new TextVqa.Question(q.getText(), q.getChoicesList());
        TextVqa.check(field, t);
        if (q.getAnswer().length() > TextVqa.MAX_CHOICE_CHARS) {
            throw new IllegalArgumentException(field + ".answer: at most " + TextVqa.MAX_CHOICE_CHARS + " characters");
        }
        if (!q.getChoicesList().isEmpty() && !q.getChoicesList().contains(q.getAnswer())) {
            throw new IllegalArgumentException(field + ".answer: '" + q.getAnswer() + "' is not among its choices");
        }
        if (q.getParentsCount() > MAX_QUESTIONS || q.getCategory().length() > MAX_LABEL_CHARS
                || q.getId().length() > MAX_LABEL_CHARS) {
            throw new IllegalArgumentException(field + ": at most " + MAX_QUESTIONS + " parents, id and category of at most "
                    + MAX_LABEL_CHARS + " characters");
        }
        return t;
    }

    /** A question's machine-readable op (its {@code op} field: {"op": ..., "args": {...}}). */
    static QuestionOp op(String field, Question q) {
        if (q.getOp().isBlank()) {
            throw new IllegalArgumentException(field + ".op: required by the configured VQA model (mini-world reader)");
        }
        try {
            JsonNode n = JSON.readTree(q.getOp());
            Map<String, Object> args = JSON.convertValue(n.path("args"), new TypeReference<Map<String, Object>>() {
            });
            if (!n.hasNonNull("op") || args == null) {
                throw new IllegalArgumentException("needs op and args");
            }
            return new QuestionOp(n.get("op").asText(), args);
        } catch (Exception e) {
            throw new IllegalArgumentException(field + ".op: not a valid question op: " + e.getMessage(), e);
        }
    }
}
