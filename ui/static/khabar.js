() => {
  // The upload picker offers .txt and .md files; the type itself is checked on the
  // server (Gradio's client-side check would show the file name as HTML in a toast).
  const acceptArticles = () => {
    for (const input of document.querySelectorAll("#kh-upload input[type=file]")) {
      if (input.getAttribute("accept") !== ".txt,.md") input.setAttribute("accept", ".txt,.md");
    }
  };
  // The question box takes its direction from what is typed: Urdu runs right to left,
  // English left to right, and a "?" or "؟" lands at the end of the question.
  const autoDirection = () => {
    for (const box of document.querySelectorAll("#kh-question textarea")) {
      if (box.getAttribute("dir") !== "auto") box.setAttribute("dir", "auto");
    }
  };
  const onChange = () => { acceptArticles(); autoDirection(); };
  onChange();
  new MutationObserver(onChange).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["dir"] });

  const copyText = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {  // no clipboard API (a plain-http page on another machine): the old way
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    }
  };

  // Copy puts the answer's plain text with its citations on the clipboard (never the HTML);
  // a suggested question is asked as if typed.
  document.addEventListener("click", async (event) => {
    const target = event.target.closest && event.target.closest("button.kh-copy, button.kh-suggest");
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    if (target.classList.contains("kh-suggest")) {
      const box = document.querySelector("#kh-question textarea");
      box.value = target.textContent;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      setTimeout(() => document.querySelector("#kh-ask").click(), 50);
      return;
    }
    const plain = target.closest(".kh-msg").querySelector(".kh-plain");
    const ok = plain && await copyText(plain.textContent);
    const label = target.textContent;
    target.textContent = (ok ? target.dataset.done : target.dataset.failed) || (ok ? "✓" : "✗");
    setTimeout(() => { target.textContent = label; }, 1500);
  }, true);

  // A click on a citation number [n] (in an answer) or on a passage number (in the
  // evidence panel) opens the folded evidence around its target and scrolls to it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.kh-cite, a.kh-jump");
    if (!link) return;
    const id = (link.getAttribute("href") || "").split("#").pop();
    const target = id && document.getElementById(id);
    event.preventDefault();
    event.stopPropagation();
    if (!target) return;
    for (let p = target.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    target.classList.remove("kh-flash");
    void target.offsetWidth;
    target.classList.add("kh-flash");
  }, true);
}
