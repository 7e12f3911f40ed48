package dev.lucid.scoring;

/** One detected box (pixel coordinates of the model input) with its class and confidence. */
public record Detection(int classIndex, double score, double x1, double y1, double x2, double y2) {
    /** Intersection over union with another box. */
    public double iou(Detection o) {
        double iw = Math.max(0, Math.min(x2, o.x2) - Math.max(x1, o.x1));
        double ih = Math.max(0, Math.min(y2, o.y2) - Math.max(y1, o.y1));
        double inter = iw * ih;
        double union = (x2 - x1) * (y2 - y1) + (o.x2 - o.x1) * (o.y2 - o.y1) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
