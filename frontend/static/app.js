// Piecewise pages: a little progressive enhancement; every page works without it.
(function () {
    "use strict";

    /** The format the service will detect, by the same first-line rules (formats.md). */
    function detectFormat(text) {
        const first = text.replace(/^\s+/, "");
        if (first === "") return null;
        if (first.startsWith("graph(")) return "fx-text (print(graph))";
        if (first.startsWith("{")) return "fx-json";
        if (first.startsWith("class ") || first.includes("def forward(")) return "fx-python";
        return "unknown: an fx-text graph starts with graph():";
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
                if (file.files.length) file.files[0].slice(0, 65536).text().then(showDetected);
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
        // Buttons that destroy something ask first.
        document.querySelectorAll("[data-confirm]").forEach(function (button) {
            button.addEventListener("click", function (e) {
                if (!window.confirm(button.getAttribute("data-confirm"))) e.preventDefault();
            });
        });
    });
})();
