package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.Planner;

/** The planner contract for {@link Planner#offline()}. */
class OfflinePlannerProperties implements PlannerContract {
    @Override
    public Planner planner() {
        return Planner.offline();
    }
}
