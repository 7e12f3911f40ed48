package dev.lucid.scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes a YOLOv8-style detection head, the output NudeNet's ONNX detector exports: a
 * {@code [1, 4 + C, N]} tensor holding, per candidate n, the box centre, width and height and C
 * class scores. Candidates below the confidence threshold are dropped, then per-class non-maximum
 * suppression keeps the best box among those overlapping by more than the IoU threshold.
 */
public final class YoloDecoder {
    private final int classes;
    private final double confidence;
    private final double iou;

    public YoloDecoder(int classes, double confidence, double iou) {
        if (classes < 1 || confidence < 0 || confidence > 1 || iou <= 0 || iou > 1) {
            throw new IllegalArgumentException("bad decoder settings: classes=" + classes + " conf=" + confidence + " iou=" + iou);
        }
        this.classes = classes;
        this.confidence = confidence;
        this.iou = iou;
    }

    /** Decodes one image's head output, laid out [4 + C][N] (row-major). */
    public List<Detection> decode(float[] head, int candidates) {
        if (head.length != (4 + classes) * candidates) {
            throw new IllegalArgumentException("detector output has " + head.length + " values, expected (4 + "
                    + classes + ") x " + candidates);
        }
        List<Detection> kept = new ArrayList<>();
        for (int n = 0; n < candidates; n++) {
            int best = 0;
            double bestScore = head[4 * candidates + n];
            for (int c = 1; c < classes; c++) {
                double s = head[(4 + c) * candidates + n];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            if (bestScore < confidence) {
                continue;
            }
            double cx = head[n];
            double cy = head[candidates + n];
            double w = head[2 * candidates + n];
            double h = head[3 * candidates + n];
            kept.add(new Detection(best, bestScore, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
        return nms(kept);
    }

    private List<Detection> nms(List<Detection> boxes) {
        boxes.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> out = new ArrayList<>();
        for (Detection d : boxes) {
            boolean suppressed = false;
            for (Detection k : out) {
                if (k.classIndex() == d.classIndex() && k.iou(d) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                out.add(d);
            }
        }
        return out;
    }
}
