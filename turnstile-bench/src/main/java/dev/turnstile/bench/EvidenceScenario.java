package dev.turnstile.bench;

import java.io.IOException;

/**
 * One section of the evidence report: runs what tests its claim, draws its chart as
 * {@code claim().chartFile()} in the plan's folder, and returns the finding with a verdict derived
 * from the figures by the rule it states.
 */
interface EvidenceScenario {

    Claim claim();

    /** One or two sentences: what is run. Also the report's text for a scenario that failed. */
    String scenario(EvidencePlan plan);

    Finding run(EvidenceLab lab) throws IOException, InterruptedException;
}
