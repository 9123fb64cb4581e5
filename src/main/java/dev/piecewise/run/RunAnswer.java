package dev.piecewise.run;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** A run as the API answers it: the stored run, and its {@code links}, which are not stored. */
public record RunAnswer(@JsonUnwrapped RunReport run, RunLinks links) {

    static RunAnswer of(RunReport run) {
        return new RunAnswer(run, RunLinks.of(run.id(), run.verdict().outcome()));
    }
}
