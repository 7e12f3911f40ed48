package dev.lucid.safety;

import dev.lucid.api.v1.ClassifierInfo;
import dev.lucid.api.v1.ImageSafetyScores;
import dev.lucid.api.v1.ListClassifiersRequest;
import dev.lucid.api.v1.ListClassifiersResponse;
import dev.lucid.api.v1.SafetyScore;
import dev.lucid.api.v1.SafetyScoreRequest;
import dev.lucid.api.v1.SafetyScoreResponse;
import dev.lucid.api.v1.SafetyScorerGrpc;
import dev.lucid.image.RgbImage;
import dev.lucid.scorers.Scorers;
import dev.lucid.scoring.SafetyClassifier;
import dev.lucid.scoring.SafetyResult;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.util.ArrayList;
import java.util.List;

/** lucid.v1.SafetyScorer: raw scores of the configured classifiers (thresholds are applied later). */
@GrpcService
public class SafetyEndpoint extends SafetyScorerGrpc.SafetyScorerImplBase {
    private final Scorers scorers;

    SafetyEndpoint(Scorers scorers) {
        this.scorers = scorers;
    }

    @Override
    @Blocking
    public void listClassifiers(ListClassifiersRequest request, StreamObserver<ListClassifiersResponse> out) {
        try {
            ListClassifiersResponse.Builder b = ListClassifiersResponse.newBuilder();
            List<SafetyClassifier> all = scorers.catalog().safety();
            for (int i = 0; i < all.size(); i++) {
                SafetyClassifier c = all.get(i);
                b.addClassifiers(ClassifierInfo.newBuilder().setId(c.id()).setFingerprint(c.fingerprint())
                        .addAllClasses(c.classes()).addAllUnsafeClasses(c.unsafeClasses())
                        .setDefaultThreshold(scorers.catalog().threshold(i)));
            }
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(Scorers.status(e));
        }
    }

    @Override
    @Blocking
    public void score(SafetyScoreRequest request, StreamObserver<SafetyScoreResponse> out) {
        try {
            if (request.getImagesCount() == 0 || request.getImagesCount() > scorers.config().maxImages()) {
                throw new IllegalArgumentException("images: between 1 and " + scorers.config().maxImages()
                        + " images, got " + request.getImagesCount());
            }
            List<SafetyClassifier> chosen = new ArrayList<>();
            for (String id : request.getClassifierIdsList()) {
                chosen.add(scorers.catalog().safety().stream().filter(c -> c.id().equals(id)).findFirst()
                        .orElseThrow(() -> Status.NOT_FOUND.withDescription("classifier_ids: unknown classifier '" + id
                                + "'").asRuntimeException()));
            }
            if (chosen.isEmpty()) {
                chosen.addAll(scorers.catalog().safety());
            }
            List<RgbImage> images = new ArrayList<>();
            for (int i = 0; i < request.getImagesCount(); i++) {
                images.add(Scorers.decode("images[" + i + "]", request.getImages(i).getPng()));
            }
            List<ImageSafetyScores.Builder> results = new ArrayList<>();
            request.getImagesList().forEach(img -> results.add(ImageSafetyScores.newBuilder().setImageKey(img.getKey())));
            for (SafetyClassifier c : chosen) {
                List<SafetyResult> rs = c.score(images);
                for (int i = 0; i < rs.size(); i++) {
                    SafetyResult r = rs.get(i);
                    results.get(i).addScores(SafetyScore.newBuilder().setClassifierId(r.classifierId())
                            .setClassifierFingerprint(c.fingerprint()).putAllScores(r.scores())
                            .setUnsafeScore(r.unsafeScore()));
                }
            }
            SafetyScoreResponse.Builder b = SafetyScoreResponse.newBuilder();
            results.forEach(b::addResults);
            out.onNext(b.build());
            out.onCompleted();
        } catch (Throwable e) {
            out.onError(Scorers.status(e));
        }
    }
}
