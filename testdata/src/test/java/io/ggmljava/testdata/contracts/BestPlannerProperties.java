package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.Planner;

/** The planner contract for {@link Planner#best()}. */
class BestPlannerProperties implements PlannerContract {
    @Override
    public Planner planner() {
        return Planner.best();
    }
}
