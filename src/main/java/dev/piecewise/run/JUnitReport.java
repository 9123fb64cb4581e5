package dev.piecewise.run;

import java.util.List;

/**
 * A group of runs as a JUnit XML test suite (the schema CI dashboards read): one test case per run, a failure
 * when the run would not compile, with the verdict's summary and the run's page.
 */
final class JUnitReport {

    private JUnitReport() {
    }

    static String render(String groupId, List<RunReport> runs, String baseUrl) {
        long failures = runs.stream().filter(r -> !r.verdict().compilable()).count();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"piecewise group ").append(escape(groupId)).append("\" tests=\"").append(runs.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"0\" timestamp=\"")
                .append(runs.get(0).createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()
                        .replace("Z", "")).append("\">\n");
        for (RunReport run : runs) {
            RunReport.Options o = run.options();
            String page = baseUrl + "/runs/" + run.id();
            xml.append("  <testcase classname=\"piecewise.").append(escape(run.format())).append("\" name=\"")
                    .append(escape(run.name() + " [sizeStrategy=" + o.sizeStrategy().id() + ", getitemRule=" + o.getitemRule().id()
                            + (o.mergeConsecutiveSplits() ? "" : ", no merge") + "]"))
                    .append("\" time=\"0\">\n");
            if (!run.verdict().compilable()) {
                xml.append("    <failure type=\"").append(escape(run.verdict().outcome().id())).append("\" message=\"")
                        .append(escape(run.verdict().summary())).append("\">");
                StringBuilder detail = new StringBuilder(run.verdict().summary());
                run.verdict().problems().forEach(p -> detail.append('\n').append(p.submodule()).append(' ')
                        .append(p.direction().id()).append(' ').append(p.value()).append(" (").append(p.kind() == null ? "" : p.kind().id()).append("): ")
                        .append(p.error()));
                xml.append(escape(detail.append('\n').append(page).toString())).append("</failure>\n");
            }
            xml.append("    <system-out>").append(escape(page)).append("</system-out>\n");
            xml.append("  </testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    /** XML 1.0 text and attribute escaping; characters XML cannot carry become U+FFFD. */
    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }
}
