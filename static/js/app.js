// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit selects marked data-autosubmit (the language switcher, filters).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // Toasts fade out on their own.
  document.querySelectorAll(".toast").forEach((toast) => setTimeout(() => toast.remove(), 6000));

  // The "More" menu is a <details>: it opens with a tap, Enter or Space on its own. Here it also
  // closes with Escape (focus back on its button), when focus or a tap goes elsewhere.
  document.querySelectorAll("details[data-more-menu]").forEach((menu) => {
    const button = menu.querySelector("summary");
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        button.focus();
      }
    });
    menu.addEventListener("focusout", (event) => {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
    });
    document.addEventListener("click", (event) => {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
});
