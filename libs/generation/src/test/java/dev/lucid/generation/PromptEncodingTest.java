package dev.lucid.generation;

import dev.lucid.api.v1.EncodePromptsResponse;
import dev.lucid.api.v1.Embedding;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client side of EncodePrompts: any number of prompts in requests of a bounded size, answers in order. */
class PromptEncodingTest {
    @Test
    void moreThan1024PromptsGoInBoundedRequestsAndComeBackInOrder() throws Exception {
        List<String> prompts = IntStream.range(0, 2500).mapToObj(i -> "prompt " + i).toList();
        List<Integer> sizes = new ArrayList<>();
        List<float[]> out = PromptEncoding.inChunks(prompts, PromptEncoding.POOLED_CHUNK, part -> {
            sizes.add(part.size());
            return part.stream().map(p -> new float[]{Float.parseFloat(p.substring(7))}).toList();
        });
        assertEquals(List.of(1024, 1024, 452), sizes);
        assertEquals(2500, out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(i, out.get(i)[0]);
        }
        // Per-token sequences of SD's encoder (77 x 768) fit the answer bound at the sequence chunk size.
        assertEquals(true, (long) PromptEncoding.SEQUENCE_CHUNK * 77 * 768 <= PromptEncoding.MAX_VALUES);
    }

    @Test
    void anAnswerOfTheWrongLengthIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PromptEncoding.inChunks(List.of("a", "b", "c"), 2,
                part -> List.of(new float[1])));
        assertEquals("encoder returned 1 embeddings for 2 prompts", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PromptEncoding.inChunks(List.of("a"), 0, part -> List.of()));
    }

    @Test
    void vectorsReadAnAnswerInOrder() {
        EncodePromptsResponse r = EncodePromptsResponse.newBuilder().setDimension(2)
                .addEmbeddings(Embedding.newBuilder().addValues(1).addValues(2))
                .addEmbeddings(Embedding.newBuilder().addValues(3).addValues(4)).build();
        List<float[]> v = PromptEncoding.vectors(r);
        assertArrayEquals(new float[]{1, 2}, v.get(0));
        assertArrayEquals(new float[]{3, 4}, v.get(1));
    }
}
