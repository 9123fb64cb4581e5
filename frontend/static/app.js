// Piecewise pages: a little progressive enhancement; every page works without it.
(function () {
    "use strict";

    /** A TORCH_TRACE line: glog prefix, then a JSON envelope (src/docs/formats.md, "TORCH_TRACE logs"). */
    const GLOG = /^[IWEFVD]\d{4} \d{2}:\d{2}:\d{2}\.\d+ +\d+ [^\]]*\] \{/;

    /** The compile ids of a trace's Dynamo output graphs, in the order they were logged. */
    function traceGraphs(text) {
        const ids = [];
        const entry = /\{"dynamo_output_graph".*"frame_id": (\d+), "frame_compile_id": (\d+)/g;
        let m;
        while ((m = entry.exec(text)) !== null) ids.push(m[1] + "/" + m[2]);
        return ids;
    }

    /** The format the service will detect, by the same first-line rules (src/docs/formats.md). */
    function detectFormat(text) {
        const first = text.replace(/^\s+/, "");
        if (first === "") return null;
        if (GLOG.test(first)) {
            const ids = traceGraphs(text);
            showCompileIds(ids);
            return "torch-trace: " + (ids.length ? ids.length + " graph" + (ids.length === 1 ? "" : "s") + " ("
                + ids.join(", ") + "); choose one with Compile id, or all" : "no graph found yet");
        }
        if (first.startsWith("graph(")) return "fx-text (print(graph))";
        if (first.startsWith("{")) return "fx-json";
        if (first.startsWith("class ") || first.includes("def forward(")) return "fx-python";
        return "unknown: an fx-text graph starts with graph():";
    }

    function showCompileIds(ids) {
        const list = document.getElementById("compileIds");
        if (!list) return;
        list.replaceChildren();
        ids.concat(["all"]).forEach(function (id) {
            const option = document.createElement("option");
            option.value = id;
            list.appendChild(option);
        });
    }

    /** 10485760 as "10 MB", as the service writes sizes. */
    function size(bytes) {
        if (bytes >= 1048576) return (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
        if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
        return bytes + " bytes";
    }

    function showDetected(text) {
        const out = document.getElementById("detected");
        if (out) out.value = detectFormat(text) || "none yet";
    }

    document.addEventListener("DOMContentLoaded", function () {
        // A comparison under way: ask again every second; the server answers with the comparison once stored.
        const waiting = document.querySelector("[data-reload]");
        if (waiting) {
            window.setTimeout(function () { window.location.reload(); }, 1000 * Number(waiting.dataset.reload));
        }
        const textarea = document.getElementById("text");
        const file = document.getElementById("file");
        if (textarea) {
            textarea.addEventListener("input", function () { showDetected(textarea.value); });
            showDetected(textarea.value);
        }
        if (file) {
            file.addEventListener("change", function () {
                if (!file.files.length) return;
                const chosen = file.files[0];
                chosen.slice(0, 4).arrayBuffer().then(function (head) {
                    const b = new Uint8Array(head);
                    if ((b[0] === 0x50 && b[1] === 0x4b) || (b[0] === 0x1f && b[1] === 0x8b)) {
                        document.getElementById("detected").value = "archive (.zip or .tar.gz): one run per graph found";
                    } else {
                        // A trace lists its graphs, so the whole file is read; other formats need the start only.
                        chosen.slice(0, 65536).text().then(function (start) {
                            if (GLOG.test(start.replace(/^\s+/, ""))) chosen.text().then(showDetected);
                            else showDetected(start);
                        });
                    }
                });
            });
        }
        const drop = document.querySelector("[data-drop]");
        if (drop && file) {
            ["dragenter", "dragover"].forEach(function (type) {
                drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("over"); });
            });
            ["dragleave", "drop"].forEach(function (type) {
                drop.addEventListener(type, function () { drop.classList.remove("over"); });
            });
            drop.addEventListener("drop", function (e) {
                e.preventDefault();
                if (e.dataTransfer.files.length) {
                    file.files = e.dataTransfer.files;
                    file.dispatchEvent(new Event("change"));
                }
            });
        }
        // A file and pasted text together: ask which one, and send only that.
        const upload = document.querySelector("form.upload");
        if (upload && textarea && file) {
            upload.addEventListener("submit", function (e) {
                if (!file.files.length || textarea.value.trim() === "") return;
                const useFile = window.confirm("Both a file (" + file.files[0].name + ") and pasted text are given.\n"
                    + "OK partitions the file, Cancel partitions the pasted text.");
                if (useFile) textarea.value = "";
                else file.value = "";
            });
        }
        // Forms that start work say so and cannot be sent twice; the button pressed still counts (a hidden copy,
        // since a disabled button is not sent).
        document.querySelectorAll("form[data-busy]").forEach(function (form) {
            form.addEventListener("submit", function (e) {
                if (e.defaultPrevented) return;
                const pressed = e.submitter;
                if (pressed && pressed.name) {
                    const copy = document.createElement("input");
                    copy.type = "hidden";
                    copy.name = pressed.name;
                    copy.value = pressed.value;
                    form.appendChild(copy);
                }
                form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
                form.setAttribute("aria-busy", "true");
                const progress = form.querySelector("[data-progress]");
                if (!progress) return;
                const chosen = form.querySelector("input[type=file]");
                const what = chosen && chosen.files.length ? chosen.files[0].name + " (" + size(chosen.files[0].size) + ")"
                    : "the graph";
                const verb = pressed && pressed.value === "compare" ? "comparing every strategy" : "partitioning";
                const started = Date.now();
                const tell = function () {
                    progress.textContent = "Sending " + what + " and " + verb + "… "
                        + Math.round((Date.now() - started) / 1000) + " s";
                };
                progress.hidden = false;
                tell();
                window.setInterval(tell, 1000);
            });
        });
        // The run page's search marks what it found: bring it into view.
        const found = document.getElementById("found") || document.querySelector("details.found");
        if (found) found.scrollIntoView({block: "center"});
        // Buttons that destroy something ask first.
        document.querySelectorAll("[data-confirm]").forEach(function (button) {
            button.addEventListener("click", function (e) {
                if (!window.confirm(button.getAttribute("data-confirm"))) e.preventDefault();
            });
        });
    });
})();
