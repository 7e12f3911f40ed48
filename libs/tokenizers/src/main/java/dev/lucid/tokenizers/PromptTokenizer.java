package dev.lucid.tokenizers;

/**
 * Turns a prompt into the token ids a text encoder takes. Implementations are immutable after loading and
 * safe to share between threads.
 */
public interface PromptTokenizer {

    /** Token ids of a text, without start/end tokens, truncation or padding. */
    int[] ids(String text);

    /**
     * The text encoder's input row for a text: the start id(s), as many content ids as fit, the end id(s),
     * then padding up to {@link #contextLength()}.
     */
    long[] modelInput(String text);

    /** The input row of the unconditional branch of classifier-free guidance. */
    long[] unconditionalInput();

    /** Length of every model input row. */
    int contextLength();

    /** The id that fills a row after its end token. */
    int padId();

    /** Longest text accepted, in UTF-16 chars; longer texts are refused. */
    int maxTextChars();

    /** SHA-256 (hex) of what defines the tokenizer (vocabulary, merges, settings); part of model fingerprints. */
    String fingerprint();
}
