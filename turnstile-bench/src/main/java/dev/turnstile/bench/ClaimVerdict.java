package dev.turnstile.bench;

/**
 * What a section of the evidence report concludes about its claim, from its figures by the rule
 * it states: never written by hand.
 */
enum ClaimVerdict {
    HOLDS("holds"),
    HOLDS_WITH_A_CAVEAT("holds with a caveat"),
    DOES_NOT_HOLD("does not hold on this machine");

    private final String text;

    ClaimVerdict(String text) {
        this.text = text;
    }

    /** As written in evidence.md and evidence.json. */
    String text() {
        return text;
    }
}
