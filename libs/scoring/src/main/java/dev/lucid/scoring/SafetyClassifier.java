package dev.lucid.scoring;

import dev.lucid.image.RgbImage;

import java.util.List;

/** A safety classifier on a KServe v2 backend. */
public interface SafetyClassifier {
    /** Classifier id (e.g. "mini-safety", "nudenet", "q16"). */
    String id();

    /** Fingerprint of its model(s) and settings. */
    String fingerprint();

    /** Classes it scores. */
    List<String> classes();

    /** Classes that count as unsafe. */
    List<String> unsafeClasses();

    /** One result per image, in order. */
    List<SafetyResult> score(List<RgbImage> images);
}
