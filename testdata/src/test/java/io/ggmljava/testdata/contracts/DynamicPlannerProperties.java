package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.Planner;

/** The planner contract for {@link Planner#dynamic()}. */
class DynamicPlannerProperties implements PlannerContract {
    @Override
    public Planner planner() {
        return Planner.dynamic();
    }
}
