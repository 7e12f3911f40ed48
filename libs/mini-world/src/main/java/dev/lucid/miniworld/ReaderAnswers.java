package dev.lucid.miniworld;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the reader model's outputs into a scene and answers questions on a scene, exactly as the
 * mini world's reference ({@code deploy/mini-world/training/answer.py}) does.
 */
public final class ReaderAnswers {
    private final MiniWorld world;

    public ReaderAnswers(MiniWorld world) {
        this.world = world;
    }

    /**
     * The scene the reader sees: per slot (world order), argmax of the shape logits (index 0 = empty,
     * first maximum wins), then the colour and size argmaxes.
     *
     * @param shapeLogits [slots][1 + shapes], colorLogits [slots][colors], sizeLogits [slots][sizes], flattened
     */
    public List<SceneObject> scene(float[] shapeLogits, float[] colorLogits, float[] sizeLogits) {
        int slots = world.slots().size();
        int ns = world.shapes().size() + 1;
        int nc = world.colors().size();
        int nz = world.sizes().size();
        if (shapeLogits.length != slots * ns || colorLogits.length != slots * nc || sizeLogits.length != slots * nz) {
            throw new IllegalArgumentException("reader outputs have " + shapeLogits.length + "/" + colorLogits.length
                    + "/" + sizeLogits.length + " values, expected " + slots * ns + "/" + slots * nc + "/" + slots * nz);
        }
        List<SceneObject> out = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            int k = argmax(shapeLogits, s * ns, ns);
            if (k == 0) {
                continue;
            }
            MiniWorld.Slot slot = world.slots().get(s);
            out.add(new SceneObject(world.shapes().get(k - 1), world.colors().get(argmax(colorLogits, s * nc, nc)),
                    world.sizes().get(argmax(sizeLogits, s * nz, nz)), slot.name(), slot.x(), slot.y()));
        }
        return out;
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The answer to a question on a scene. */
    public String answer(List<SceneObject> scene, QuestionOp q) {
        Map<String, Object> a = q.args();
        return switch (q.op()) {
            case "exists" -> first(scene, a) != null ? "yes" : "no";
            case "count" -> Long.toString(scene.stream().filter(o -> matches(o, a)).count());
            case "color_of" -> {
                SceneObject o = first(scene, Map.of("shape", a.get("shape")));
                yield o == null ? "none" : o.color();
            }
            case "shape_of" -> scene.stream().filter(o -> o.color().equals(a.get("color"))).map(SceneObject::shape)
                    .findFirst().orElse("none");
            case "position_of" -> {
                SceneObject o = first(scene, a);
                yield o == null ? "none" : o.slot();
            }
            case "size_of" -> {
                SceneObject o = first(scene, a);
                yield o == null ? "none" : o.size();
            }
            case "relation" -> relation(scene, a);
            default -> throw new IllegalArgumentException("unknown question op '" + q.op() + "'");
        };
    }

    @SuppressWarnings("unchecked")
    private static String relation(List<SceneObject> scene, Map<String, Object> a) {
        SceneObject oa = first(scene, (Map<String, Object>) a.get("a"));
        SceneObject ob = first(scene, (Map<String, Object>) a.get("b"));
        if (oa == null || ob == null || oa == ob) {
            return "no";
        }
        boolean ok = switch ((String) a.get("rel")) {
            case "left_of" -> oa.x() < ob.x();
            case "right_of" -> oa.x() > ob.x();
            case "above" -> oa.y() < ob.y();
            case "below" -> oa.y() > ob.y();
            default -> throw new IllegalArgumentException("unknown relation '" + a.get("rel") + "'");
        };
        return ok ? "yes" : "no";
    }

    private static boolean matches(SceneObject o, Map<String, ?> filter) {
        return o.shape().equals(filter.get("shape")) && (!filter.containsKey("color") || o.color().equals(filter.get("color")));
    }

    private static SceneObject first(List<SceneObject> scene, Map<String, ?> filter) {
        for (SceneObject o : scene) {
            if (matches(o, filter)) {
                return o;
            }
        }
        return null;
    }
}
