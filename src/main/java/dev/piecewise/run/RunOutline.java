package dev.piecewise.run;

/**
 * What the compare page needs of a run, stored first in the run's document ({@link RunDocuments}) so the page reads
 * a few hundred bytes of each run rather than its whole report: a 100k-node run's report is 14 MB of JSON.
 *
 * @param comparisonKey the run's graph and splitting ops ({@link RunService#comparisonKey}), which find the
 *                      comparison it can be listed in
 * @param row           the run as a row of a comparison
 */
record RunOutline(String name, String compareGroup, String comparisonKey, ComparisonRow row) {

    public String id() {
        return row.id();
    }

    public RunReport.Options options() {
        return row.options();
    }

    static RunOutline of(RunReport run) {
        return new RunOutline(run.name(), run.compareGroup(), RunService.comparisonKey(run), ComparisonRow.of(run));
    }
}
