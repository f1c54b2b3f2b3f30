package dev.turnstile.model.prefork;

/**
 * Apache prefork's rule for the pool's size, as a pure function so it can be tested alone: how
 * many workers to start, or whether to retire one, given how many are live and idle now. See
 * {@link PoolPlan} for how the knobs interact.
 */
final class SpareRule {

    /** What to do this round: start {@code spawn} workers, or retire one idle worker, or neither. */
    record Decision(int spawn, boolean retire, String reason) {
        static final Decision NOTHING = new Decision(0, false, "");
    }

    private SpareRule() {
    }

    /**
     * @param live workers that are starting or serving and not retiring
     * @param idle of those, the ones starting or with room for a connection (running none; for a
     *             worker hosting an in-process model, fewer than its capacity)
     */
    static Decision decide(PoolPlan plan, int live, int idle) {
        if (live < plan.min()) {
            return new Decision(plan.min() - live, false, live + " of min " + plan.min() + " workers");
        }
        String spares = plan.workerCapacity() > 1 ? " with room for connections" : " idle";
        if (idle < plan.minSpare() && live < plan.max()) {
            int spawn = Math.min(plan.minSpare() - idle, plan.max() - live);
            return new Decision(spawn, false, idle + spares + ", below min-spare " + plan.minSpare());
        }
        if (idle > plan.maxSpare() && live > plan.min()) {
            return new Decision(0, true, idle + spares + ", above max-spare " + plan.maxSpare());
        }
        return Decision.NOTHING;
    }
}
