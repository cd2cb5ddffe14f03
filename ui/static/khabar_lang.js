() => {
  // Interface language and Urdu reading style, kept in the browser.
  // The language comes from localStorage (the switch), else the browser's language;
  // it sets <html lang dir> and Gradio's own locale (its labels, from gr.I18n),
  // through the changeLocale export of Gradio's core module, already loaded by the page.
  const LANG_KEY = "khabar-lang";
  const STYLE_KEY = "khabar-reading";
  const norm = (value) => (String(value || "").toLowerCase().startsWith("ur") ? "ur" : "en");
  const stored = (key) => { try { return localStorage.getItem(key); } catch (e) { return null; } };
  const store = (key, value) => { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } };

  window.khabarInitialLang = () => norm(stored(LANG_KEY) || navigator.language || "en");
  window.khabarInitialStyle = () => (stored(STYLE_KEY) === "nastaliq" ? "nastaliq" : "naskh");

  window.khabarApplyLang = async (value, remember) => {
    const lang = norm(value);
    const root = document.documentElement;
    root.setAttribute("lang", lang);
    root.setAttribute("dir", lang === "ur" ? "rtl" : "ltr");
    if (remember) store(LANG_KEY, lang);
    try {
      const core = performance.getEntriesByType("resource").map((r) => r.name)
        .find((name) => /\/assets\/core-[^/]*\.js$/.test(name));
      if (core) {
        const mod = await import(core);
        if (typeof mod.changeLocale === "function") mod.changeLocale(lang);
      }
    } catch (e) { /* Gradio's labels stay in the browser's language; our own text still follows */ }
    root.setAttribute("dir", lang === "ur" ? "rtl" : "ltr");
    return lang;
  };

  window.khabarApplyStyle = (value, remember) => {
    const style = value === "nastaliq" ? "nastaliq" : "naskh";
    document.documentElement.classList.toggle("kh-nastaliq", style === "nastaliq");
    if (remember) store(STYLE_KEY, style);
    return style;
  };
  window.khabarApplyStyle(window.khabarInitialStyle(), false);
}
