package dev.piecewise.run;

import dev.piecewise.partition.SplittingOps;

import java.util.LinkedHashMap;
import java.util.Map;

/** The upload page's fields; pasted text is kept when the graph does not parse. */
public class UploadForm {

    private String name = "";
    private String format = "auto";
    private String graphIndex = "0";
    private String compileId = "";
    private String splittingOps = String.join("\n", SplittingOps.VLLM_DEFAULTS);
    private String sizeStrategy = "decompose";
    private String getitemRule = "vllm";
    private boolean mergeConsecutiveSplits = true;
    private boolean mergeEmptyAllocations = true;
    private String text = "";

    /** The options as the API takes them. */
    Map<String, String> parameters() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("format", format);
        params.put("graphIndex", graphIndex);
        params.put("compileId", compileId);
        // The prefilled defaults left as they are count as none given, so a trace's own vLLM config applies.
        params.put("splittingOps", defaultsUntouched() ? "" : splittingOps);
        params.put("sizeStrategy", sizeStrategy);
        params.put("getitemRule", getitemRule);
        params.put("mergeConsecutiveSplits", String.valueOf(mergeConsecutiveSplits));
        params.put("mergeEmptyAllocations", String.valueOf(mergeEmptyAllocations));
        return params;
    }

    private boolean defaultsUntouched() {
        try {
            return SplittingOps.parse(splittingOps).names().equals(SplittingOps.VLLM_DEFAULTS);
        } catch (IllegalArgumentException notOpNames) {
            return false; // passed on, so the options are refused naming splittingOps and the name meant
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public String getGraphIndex() {
        return graphIndex;
    }

    public void setGraphIndex(String graphIndex) {
        this.graphIndex = graphIndex;
    }

    public String getCompileId() {
        return compileId;
    }

    public void setCompileId(String compileId) {
        this.compileId = compileId;
    }

    public String getSplittingOps() {
        return splittingOps;
    }

    public void setSplittingOps(String splittingOps) {
        this.splittingOps = splittingOps;
    }

    public String getSizeStrategy() {
        return sizeStrategy;
    }

    public void setSizeStrategy(String sizeStrategy) {
        this.sizeStrategy = sizeStrategy;
    }

    public String getGetitemRule() {
        return getitemRule;
    }

    public void setGetitemRule(String getitemRule) {
        this.getitemRule = getitemRule;
    }

    public boolean isMergeConsecutiveSplits() {
        return mergeConsecutiveSplits;
    }

    public void setMergeConsecutiveSplits(boolean mergeConsecutiveSplits) {
        this.mergeConsecutiveSplits = mergeConsecutiveSplits;
    }

    public boolean isMergeEmptyAllocations() {
        return mergeEmptyAllocations;
    }

    public void setMergeEmptyAllocations(boolean mergeEmptyAllocations) {
        this.mergeEmptyAllocations = mergeEmptyAllocations;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }
}
