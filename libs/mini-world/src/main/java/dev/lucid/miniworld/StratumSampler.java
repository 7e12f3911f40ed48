package dev.lucid.miniworld;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws prompts of the five strata by the rules of world.json ({@code strata}), the same rules as
 * the Python reference (world.py {@code sample_stratum}); with its own seeded generator, so a seed
 * gives the same prompts on every machine.
 */
public final class StratumSampler {
    /** The strata, in report order. */
    public static final List<String> STRATA = List.of("unsafe", "adversarial", "benign-simple", "benign-compositional",
            "benign-near-concept");

    private final MiniWorld world;
    private final Grammar grammar;
    private final List<String> plainShapes = new ArrayList<>();
    private final List<String> benignShapes = new ArrayList<>();
    private final List<String> plainColors;
    private final List<String[]> synonyms = new ArrayList<>();
    private final List<String[]> obfuscations = new ArrayList<>();
    private final String[] canonical;
    private final String conceptShape;
    private final String conceptColor;
    private final List<String> relations = new ArrayList<>();
    private final List<String> nearShapes = new ArrayList<>();

    public StratumSampler(MiniWorld world, Grammar grammar) {
        this.world = world;
        this.grammar = grammar;
        JsonNode spec = world.spec();
        conceptShape = world.conceptShape();
        conceptColor = spec.path("concept").path("color").asText();
        spec.path("shapes").forEach(s -> {
            boolean concept = s.path("concept").asBoolean();
            boolean near = s.path("near_concept").asBoolean();
            if (!concept) {
                benignShapes.add(s.path("name").asText());
                if (!near) {
                    plainShapes.add(s.path("name").asText());
                } else {
                    nearShapes.add(s.path("name").asText());
                }
            }
        });
        plainColors = world.colors().stream().filter(c -> !c.equals(conceptColor)).toList();
        JsonNode c = spec.path("concept");
        canonical = new String[]{c.path("name").asText(), c.path("plural").asText()};
        c.path("synonyms").forEach(w -> synonyms.add(new String[]{w.path("word").asText(), w.path("plural").asText()}));
        c.path("obfuscations").forEach(w -> obfuscations.add(new String[]{w.path("word").asText(), w.path("plural").asText()}));
        spec.path("relations").forEach(r -> relations.add(r.path("name").asText()));
    }

    /** One prompt of a stratum. */
    public PromptSpec sample(SplittableRandom rng, String stratum) {
        switch (stratum) {
            case "unsafe", "adversarial" -> {
                String mode = stratum.equals("unsafe") ? "canonical" : (rng.nextDouble() < 0.4 ? "synonym" : "obfuscation");
                double r = rng.nextDouble();
                String kind = r < 0.6 ? "single" : (r < 0.75 ? "count" : "pair");
                int ci = kind.equals("pair") ? rng.nextInt(2) : 0;
                return make(rng, kind, plainShapes, plainColors, mode, ci, 0.4, 0.85);
            }
            case "benign-simple" -> {
                return make(rng, "single", plainShapes, plainColors, "any", -1, 0.0, 1.0);
            }
            case "benign-compositional" -> {
                double r = rng.nextDouble();
                String kind = r < 0.6 ? "pair" : (r < 0.85 ? "count" : "single");
                return make(rng, kind, plainShapes, plainColors, "any", -1, 1.0, 1.0);
            }
            case "benign-near-concept" -> {
                for (int attempt = 0; attempt < 10_000; attempt++) {
                    double r = rng.nextDouble();
                    String kind = r < 0.45 ? "single" : (r < 0.85 ? "pair" : "count");
                    PromptSpec s = make(rng, kind, benignShapes, world.colors(), "any", -1, 0.3, 1.0);
                    if (nearConcept(s)) {
                        return s;
                    }
                }
                throw new IllegalStateException("no near-concept prompt found");
            }
            default -> throw new IllegalArgumentException("unknown stratum '" + stratum + "'; strata are " + STRATA);
        }
    }

    /** Benign, and some object is a near-concept shape or has the concept's colour. */
    public boolean nearConcept(PromptSpec s) {
        return s.objects().stream().anyMatch(o -> !o.shape().equals(conceptShape)
                && (nearShapes.contains(o.shape()) || o.color().equals(conceptColor)));
    }

    private String[] conceptNoun(SplittableRandom rng, String mode) {
        return switch (mode) {
            case "canonical" -> canonical;
            case "synonym" -> synonyms.get(rng.nextInt(synonyms.size()));
            case "obfuscation" -> obfuscations.get(rng.nextInt(obfuscations.size()));
            default -> canonical;
        };
    }

    private PromptSpec.Item item(SplittableRandom rng, String shape, String color, String slot, String size,
                                 String mode, boolean plural) {
        if (shape.equals(conceptShape)) {
            String[] w = conceptNoun(rng, mode);
            return new PromptSpec.Item(shape, conceptColor, size, slot, plural ? w[1] : w[0], rng.nextDouble() < 0.5, false);
        }
        return new PromptSpec.Item(shape, color, size, slot, plural ? grammar.plural(shape) : shape, true, false);
    }

    private PromptSpec make(SplittableRandom rng, String kind, List<String> shapes, List<String> colors, String mode,
                            int conceptObj, double pSize, double pWhere) {
        java.util.function.IntFunction<String> pickShape = i -> i == conceptObj ? conceptShape
                : shapes.get(rng.nextInt(shapes.size()));
        JsonNode spec = world.spec();
        String defaultSize = spec.path("default_size").asText();
        switch (kind) {
            case "single" -> {
                String shape = pickShape.apply(0);
                boolean where = rng.nextDouble() < pWhere;
                String slot = where ? world.slots().get(rng.nextInt(world.slots().size())).name()
                        : spec.path("default_slot").asText();
                boolean sizeSaid = rng.nextDouble() < pSize;
                String size = sizeSaid ? world.sizes().get(rng.nextInt(world.sizes().size())) : defaultSize;
                PromptSpec.Item o = item(rng, shape, colors.get(rng.nextInt(colors.size())), slot, size, mode, false);
                return new PromptSpec("single", List.of(new PromptSpec.Item(o.shape(), o.color(), o.size(), o.slot(),
                        o.noun(), o.colorSaid(), sizeSaid)), null, 1, where);
            }
            case "count" -> {
                int n = 2 + rng.nextInt(2);
                String shape = pickShape.apply(0);
                PromptSpec.Item proto = item(rng, shape, colors.get(rng.nextInt(colors.size())), "", "", mode, true);
                JsonNode c = null;
                for (JsonNode x : spec.path("counts")) {
                    if (x.path("n").asInt() == n) {
                        c = x;
                    }
                }
                List<PromptSpec.Item> objs = new ArrayList<>();
                for (JsonNode sl : c.path("slots")) {
                    objs.add(new PromptSpec.Item(proto.shape(), proto.color(), c.path("size").asText(), sl.asText(),
                            proto.noun(), proto.colorSaid(), false));
                }
                return new PromptSpec("count", objs, null, n, false);
            }
            default -> {
                String rel = relations.get(rng.nextInt(relations.size()));
                JsonNode r = null;
                for (JsonNode x : spec.path("relations")) {
                    if (x.path("name").asText().equals(rel)) {
                        r = x;
                    }
                }
                while (true) {
                    String sa = pickShape.apply(0);
                    String sb = pickShape.apply(1);
                    PromptSpec.Item a = item(rng, sa, colors.get(rng.nextInt(colors.size())), r.path("first_slot").asText(),
                            defaultSize, mode, false);
                    PromptSpec.Item b = item(rng, sb, colors.get(rng.nextInt(colors.size())), r.path("second_slot").asText(),
                            defaultSize, mode, false);
                    if (!(a.shape().equals(b.shape()) && a.color().equals(b.color()))) {
                        return new PromptSpec("pair", List.of(a, b), rel, 1, false);
                    }
                }
            }
        }
    }
}
