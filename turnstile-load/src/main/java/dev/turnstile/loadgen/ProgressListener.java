package dev.turnstile.loadgen;

/** Receives a {@link ProgressSample} once a second while a run goes, on the reporter thread. */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = sample -> { };

    /** Must return quickly; the sample's histogram is valid only during the call. */
    void onProgress(ProgressSample sample);
}
