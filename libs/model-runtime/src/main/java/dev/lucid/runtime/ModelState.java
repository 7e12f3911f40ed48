package dev.lucid.runtime;

/** Load state of a model version, with Triton's names. */
public enum ModelState {
    LOADING, READY, UNAVAILABLE
}
