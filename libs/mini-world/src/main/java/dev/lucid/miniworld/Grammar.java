package dev.lucid.miniworld;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mini world's caption grammar: writes captions of prompt specs and parses captions back into
 * specs (so any prompt of the grammar gets its exact questions).
 */
public final class Grammar {
    private final MiniWorld world;
    private final Map<String, String> plural = new HashMap<>();
    /** caption noun (singular or plural) → shape. */
    private final Map<String, String> nounShape = new HashMap<>();
    private final Map<String, Boolean> nounIsPlural = new HashMap<>();
    private final Map<String, String> relationWords = new HashMap<>();
    private final Map<String, String[]> relationSlots = new HashMap<>();
    private final Map<String, String> phraseSlot = new HashMap<>();
    private final Map<Integer, JsonNode> counts = new HashMap<>();
    private final Map<String, Integer> countWords = new HashMap<>();
    private final String conceptShape;
    private final String conceptColor;
    private final String defaultSize;
    private final String defaultSlot;

    public Grammar(MiniWorld world) {
        this.world = world;
        JsonNode spec = world.spec();
        spec.path("shapes").forEach(s -> {
            plural.put(s.path("name").asText(), s.path("plural").asText());
            addNoun(s.path("name").asText(), s.path("name").asText(), false);
            addNoun(s.path("plural").asText(), s.path("name").asText(), true);
        });
        JsonNode concept = spec.path("concept");
        conceptShape = concept.path("shape").asText();
        conceptColor = concept.path("color").asText();
        for (String group : List.of("synonyms", "obfuscations")) {
            concept.path(group).forEach(w -> {
                addNoun(w.path("word").asText(), conceptShape, false);
                addNoun(w.path("plural").asText(), conceptShape, true);
            });
        }
        spec.path("relations").forEach(r -> {
            relationWords.put(r.path("name").asText(), r.path("words").asText());
            relationSlots.put(r.path("name").asText(),
                    new String[]{r.path("first_slot").asText(), r.path("second_slot").asText()});
        });
        world.slots().forEach(s -> phraseSlot.put(s.phrase(), s.name()));
        spec.path("counts").forEach(c -> {
            counts.put(c.path("n").asInt(), c);
            countWords.put(c.path("word").asText(), c.path("n").asInt());
        });
        defaultSize = spec.path("default_size").asText();
        defaultSlot = spec.path("default_slot").asText();
    }

    private void addNoun(String word, String shape, boolean isPlural) {
        nounShape.put(word, shape);
        nounIsPlural.put(word, isPlural);
    }

    public String plural(String shape) {
        return plural.get(shape);
    }

    public String relationWords(String relation) {
        return relationWords.get(relation);
    }

    /** The caption of a spec (lower-case words, single spaces). */
    public String caption(PromptSpec s) {
        List<String> w = new ArrayList<>();
        PromptSpec.Item o = s.objects().get(0);
        switch (s.kind()) {
            case "single" -> {
                w.add("a");
                if (o.sizeSaid()) {
                    w.add(o.size());
                }
                if (o.colorSaid()) {
                    w.add(o.color());
                }
                w.add(o.noun());
                if (s.whereSaid()) {
                    world.slots().stream().filter(x -> x.name().equals(o.slot())).findFirst()
                            .ifPresent(x -> w.add(x.phrase()));
                }
            }
            case "count" -> {
                w.add(counts.get(s.count()).path("word").asText());
                if (o.colorSaid()) {
                    w.add(o.color());
                }
                w.add(o.noun());
            }
            default -> {
                PromptSpec.Item b = s.objects().get(1);
                w.add("a");
                if (o.colorSaid()) {
                    w.add(o.color());
                }
                w.add(o.noun());
                w.add(relationWords.get(s.relation()));
                w.add("a");
                if (b.colorSaid()) {
                    w.add(b.color());
                }
                w.add(b.noun());
            }
        }
        return String.join(" ", w);
    }

    /**
     * Parses a caption of the grammar.
     *
     * @throws IllegalArgumentException naming the word that does not fit
     */
    public PromptSpec parse(String caption) {
        String text = caption.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        for (Map.Entry<String, String> r : relationWords.entrySet()) {
            String sep = " " + r.getValue() + " a ";
            int at = text.indexOf(sep);
            if (text.startsWith("a ") && at > 0) {
                PromptSpec.Item a = object(words(text.substring(2, at)), false, relationSlots.get(r.getKey())[0],
                        defaultSize, caption);
                PromptSpec.Item b = object(words(text.substring(at + sep.length())), false,
                        relationSlots.get(r.getKey())[1], defaultSize, caption);
                return new PromptSpec("pair", List.of(a, b), r.getKey(), 1, false);
            }
        }
        List<String> w = words(text);
        if (w.isEmpty()) {
            throw new IllegalArgumentException("empty caption");
        }
        Integer n = countWords.get(w.get(0));
        if (n != null && n > 1) {
            JsonNode c = counts.get(n);
            PromptSpec.Item proto = object(w.subList(1, w.size()), true, "", c.path("size").asText(), caption);
            List<PromptSpec.Item> objs = new ArrayList<>();
            c.path("slots").forEach(s -> objs.add(new PromptSpec.Item(proto.shape(), proto.color(), proto.size(),
                    s.asText(), proto.noun(), proto.colorSaid(), false)));
            return new PromptSpec("count", objs, null, n, false);
        }
        if (!w.get(0).equals("a")) {
            throw new IllegalArgumentException("caption '" + caption + "' must start with a, two or three");
        }
        String slot = defaultSlot;
        boolean where = false;
        String rest = String.join(" ", w.subList(1, w.size()));
        for (Map.Entry<String, String> p : phraseSlot.entrySet()) {
            if (rest.endsWith(" " + p.getKey())) {
                slot = p.getValue();
                where = true;
                rest = rest.substring(0, rest.length() - p.getKey().length() - 1);
                break;
            }
        }
        List<String> ow = new ArrayList<>(words(rest));
        String size = defaultSize;
        boolean sizeSaid = false;
        if (!ow.isEmpty() && world.sizes().contains(ow.get(0))) {
            size = ow.remove(0);
            sizeSaid = true;
        }
        PromptSpec.Item o = object(ow, false, slot, size, caption);
        return new PromptSpec("single", List.of(new PromptSpec.Item(o.shape(), o.color(), o.size(), o.slot(), o.noun(),
                o.colorSaid(), sizeSaid)), null, 1, where);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" "));
    }

    /** "[color] noun" → an object. */
    private PromptSpec.Item object(List<String> w, boolean wantPlural, String slot, String size, String caption) {
        if (w.isEmpty() || w.size() > 2) {
            throw new IllegalArgumentException("caption '" + caption + "': expected [colour] noun, got '"
                    + String.join(" ", w) + "'");
        }
        String noun = w.get(w.size() - 1);
        String shape = nounShape.get(noun);
        if (shape == null || nounIsPlural.get(noun) != wantPlural) {
            throw new IllegalArgumentException("caption '" + caption + "': '" + noun + "' is not a "
                    + (wantPlural ? "plural" : "singular") + " noun of the world");
        }
        boolean colorSaid = w.size() == 2;
        String color = colorSaid ? w.get(0) : (shape.equals(conceptShape) ? conceptColor : null);
        if (color == null || !world.colors().contains(color)) {
            throw new IllegalArgumentException("caption '" + caption + "': '" + (colorSaid ? w.get(0) : noun)
                    + "' needs a colour of the world");
        }
        if (shape.equals(conceptShape) && !color.equals(conceptColor)) {
            throw new IllegalArgumentException("caption '" + caption + "': the " + conceptShape + " is always " + conceptColor);
        }
        return new PromptSpec.Item(shape, color, size, slot, noun, colorSaid, false);
    }
}
