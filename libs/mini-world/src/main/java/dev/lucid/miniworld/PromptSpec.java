package dev.lucid.miniworld;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prompt of the mini world's grammar as a scene: its kind ({@code single}, {@code count},
 * {@code pair}), objects (with the words the caption uses for them), relation and count. Knows its
 * caption and its questions with exact answers, as deploy/mini-world/training/world.py does.
 */
public record PromptSpec(String kind, List<Item> objects, String relation, int count, boolean whereSaid) {

    /** One object of the prompt: what it is, where it sits, and which words the caption says. */
    public record Item(String shape, String color, String size, String slot, String noun, boolean colorSaid,
                       boolean sizeSaid) {
    }

    /** The scene objects (for the answer function), in slot order of the world. */
    public List<SceneObject> scene(MiniWorld world) {
        List<SceneObject> out = new ArrayList<>();
        for (MiniWorld.Slot s : world.slots()) {
            for (Item o : objects) {
                if (o.slot().equals(s.name())) {
                    out.add(new SceneObject(o.shape(), o.color(), o.size(), s.name(), s.x(), s.y()));
                }
            }
        }
        return out;
    }

    /** The questions, in the reference order: objects, colours, shapes, count, position, size, relation. */
    public List<Question> questions(MiniWorld world, Grammar g) {
        List<Question> qs = new ArrayList<>();
        List<Item> uniq = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Item o : objects) {
            String k = o.shape() + "|" + o.color();
            if (!seen.contains(k)) {
                seen.add(k);
                uniq.add(o);
            }
        }
        List<String> yesNo = List.of("yes", "no");
        for (Item o : uniq) {
            Ref r = ref(o, uniq);
            qs.add(new Question("object", "is there a " + r.text + "?", new QuestionOp("exists", r.filter), yesNo, "yes"));
        }
        List<String> shapesIn = uniq.stream().map(Item::shape).toList();
        List<String> colorsIn = uniq.stream().map(Item::color).toList();
        for (Item o : uniq) {
            if (shapesIn.stream().filter(o.shape()::equals).count() == 1) {
                String text = kind.equals("count") ? "what color are the " + g.plural(o.shape()) + "?"
                        : "what color is the " + o.shape() + "?";
                qs.add(new Question("color", text, new QuestionOp("color_of", Map.of("shape", o.shape())),
                        world.colors(), o.color()));
            }
            if (colorsIn.stream().filter(o.color()::equals).count() == 1) {
                qs.add(new Question("shape", "what shape is the " + o.color() + " object?",
                        new QuestionOp("shape_of", Map.of("color", o.color())), world.shapes(), o.shape()));
            }
        }
        Item first = objects.get(0);
        if (kind.equals("count")) {
            qs.add(new Question("counting", "how many " + g.plural(first.shape()) + " are there?",
                    new QuestionOp("count", Map.of("shape", first.shape())), List.of("0", "1", "2", "3"),
                    Integer.toString(count)));
        }
        if (kind.equals("single")) {
            if (whereSaid) {
                qs.add(new Question("spatial", "where is the " + first.shape() + "?",
                        new QuestionOp("position_of", Map.of("shape", first.shape())),
                        world.slots().stream().map(MiniWorld.Slot::name).toList(), first.slot()));
            }
            if (first.sizeSaid()) {
                qs.add(new Question("attribute", "what size is the " + first.shape() + "?",
                        new QuestionOp("size_of", Map.of("shape", first.shape())), world.sizes(), first.size()));
            }
        }
        if (kind.equals("pair")) {
            Ref ra = ref(objects.get(0), objects);
            Ref rb = ref(objects.get(1), objects);
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("a", ra.filter);
            args.put("rel", relation);
            args.put("b", rb.filter);
            qs.add(new Question("spatial", "is the " + ra.text + " " + g.relationWords(relation) + " the " + rb.text + "?",
                    new QuestionOp("relation", args), yesNo, "yes"));
        }
        return qs;
    }

    private record Ref(String text, Map<String, Object> filter) {
    }

    /** By shape when the shape is unique (as shape+colour) among the objects, else by colour and shape. */
    private static Ref ref(Item o, List<Item> objs) {
        long variants = objs.stream().filter(x -> x.shape().equals(o.shape())).map(x -> x.shape() + "|" + x.color())
                .distinct().count();
        if (variants <= 1) {
            return new Ref(o.shape(), Map.of("shape", o.shape()));
        }
        return new Ref(o.color() + " " + o.shape(), Map.of("shape", o.shape(), "color", o.color()));
    }
}
